package dev.slipway.rollout.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Secret;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.Task;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A swarm manager's Engine API: its nodes, the fleet's services and their tasks, and its secrets. Secret values go
 * to the manager as JSON Slipway writes itself, never through an object that could print them.
 */
public final class SwarmManager implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI engine;
    private final DockerHttpClient http;
    private final DockerClient client;

    private SwarmManager(URI engine, DockerHttpClient http, DockerClient client) {
        this.engine = engine;
        this.http = http;
        this.client = client;
    }

    /** Connects and pings; an unreachable manager is a {@link SwarmException} naming it. */
    public static SwarmManager connect(URI engine, Optional<Path> tls) {
        DefaultDockerClientConfig.Builder config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(engine.toString()).withDockerTlsVerify(tls.isPresent());
        tls.ifPresent(dir -> config.withDockerCertPath(dir.toString()));
        DockerClientConfig built = config.build();
        DockerHttpClient http = new ApacheDockerHttpClient.Builder().dockerHost(built.getDockerHost())
                .sslConfig(built.getSSLConfig()).maxConnections(8).connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofMinutes(2)).build();
        SwarmManager manager = new SwarmManager(engine, http, DockerClientImpl.getInstance(built, http));
        try {
            manager.call("is unreachable", () -> manager.client.pingCmd().exec());
            return manager;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** The swarm's nodes by the machine their {@value SwarmServiceSpecs#MACHINE_LABEL} label names. */
    public Map<String, SwarmNode> nodesByMachine() {
        List<SwarmNode> nodes = call("cannot list swarm nodes (is it a swarm manager?)",
                () -> client.listSwarmNodesCmd().exec());
        Map<String, SwarmNode> byMachine = new TreeMap<>();
        for (SwarmNode node : nodes) {
            String machine = node.getSpec() == null || node.getSpec().getLabels() == null
                    ? null
                    : node.getSpec().getLabels().get(SwarmServiceSpecs.MACHINE_LABEL);
            if (machine != null) {
                byMachine.put(machine, node);
            }
        }
        return byMachine;
    }

    public Optional<Service> service(String name) {
        try {
            return Optional.of(call("cannot inspect service " + name,
                    () -> client.inspectServiceCmd(name).exec()));
        } catch (SwarmException e) {
            if (e.getCause() instanceof NotFoundException) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public List<Service> services(String fleet) {
        return call("cannot list services", () -> client.listServicesCmd()
                .withLabelFilter(Map.of(SwarmServiceSpecs.FLEET, fleet)).exec());
    }

    public String create(ServiceSpec spec) {
        return call("cannot create service " + spec.getName(), () -> client.createServiceCmd(spec).exec().getId());
    }

    public void update(Service service, ServiceSpec spec) {
        call("cannot update service " + spec.getName(), () -> {
            client.updateServiceCmd(service.getId(), spec).withVersion(service.getVersion().getIndex()).exec();
            return null;
        });
    }

    public void remove(String serviceId) {
        call("cannot remove service " + serviceId, () -> {
            client.removeServiceCmd(serviceId).exec();
            return null;
        });
    }

    public List<Task> tasks(String serviceId) {
        return call("cannot list tasks of " + serviceId, () -> client.listTasksCmd().withServiceFilter(serviceId)
                .exec());
    }

    /**
     * The generic resources a node advertises ({@code dockerd --node-generic-resource KIND=VALUE}), as a count per
     * kind: a named resource (a GPU's UUID) counts one, a discrete one its value.
     */
    public Map<String, Long> genericResources(String nodeId) {
        JsonNode resources = get("/nodes/" + nodeId, "cannot inspect node " + nodeId).path("Description")
                .path("Resources").path("GenericResources");
        Map<String, Long> counts = new TreeMap<>();
        for (JsonNode resource : resources) {
            JsonNode named = resource.path("NamedResourceSpec");
            JsonNode discrete = resource.path("DiscreteResourceSpec");
            if (named.isObject()) {
                counts.merge(named.path("Kind").asText(), 1L, Long::sum);
            } else if (discrete.isObject()) {
                counts.merge(discrete.path("Kind").asText(), discrete.path("Value").asLong(), Long::sum);
            }
        }
        return counts;
    }

    /** The secret named exactly {@code name}. */
    public Optional<Secret> secret(String name) {
        return call("cannot list secrets", () -> client.listSecretsCmd().withNameFilter(List.of(name)).exec())
                .stream().filter(s -> s.getSpec() != null && name.equals(s.getSpec().getName())).findFirst();
    }

    /** The secrets labelled {@code key=value}. */
    public List<Secret> secrets(String key, String value) {
        return call("cannot list secrets", () -> client.listSecretsCmd().withLabelFilter(Map.of(key, value)).exec());
    }

    /**
     * Creates the secret {@code name} holding {@code value}; empty when a secret of that name exists already (Swarm
     * names are unique, so of two runs creating one name the second finds the first's).
     */
    public Optional<String> createSecret(String name, String value, Map<String, String> labels) {
        ObjectNode spec = JSON.createObjectNode().put("Name", name);
        ObjectNode labelNode = spec.putObject("Labels");
        new TreeMap<>(labels).forEach(labelNode::put);
        spec.put("Data", Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(spec);
        } catch (IOException e) {
            throw new IllegalStateException("a secret spec is plain data", e);
        }
        DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.POST).path("/secrets/create")
                .putHeader("Content-Type", "application/json").bodyBytes(body).build();
        try (DockerHttpClient.Response response = http.execute(request)) {
            String answer = new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8);
            if (response.getStatusCode() == 409) {
                return Optional.empty();
            }
            if (response.getStatusCode() / 100 != 2) {
                // the answer names the secret at most, never its value: the manager never echoes Data
                throw new SwarmException("swarm manager " + engine + " cannot create secret " + name + ": HTTP "
                        + response.getStatusCode() + " " + answer.strip());
            }
            return Optional.of(JSON.readTree(answer).path("ID").asText());
        } catch (SwarmException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new SwarmException("swarm manager " + engine + " cannot create secret " + name + ": "
                    + e.getMessage(), e);
        }
    }

    /** Removes a secret; false when Swarm refused (a service still refers to it). */
    public boolean removeSecret(String id) {
        try {
            call("cannot remove secret " + id, () -> {
                client.removeSecretCmd(id).exec();
                return null;
            });
            return true;
        } catch (SwarmException e) {
            return false;
        }
    }

    /**
     * The ids of every secret the fleet's services refer to, in their spec or in the previous spec a rollback
     * (Slipway's or {@code docker service rollback}) returns to.
     */
    public List<String> secretsInUse(String fleet) {
        String filter = URLEncoder.encode("{\"label\":[\"" + SwarmServiceSpecs.FLEET + "=" + fleet + "\"]}",
                StandardCharsets.UTF_8);
        List<String> ids = new ArrayList<>();
        for (JsonNode service : get("/services?filters=" + filter, "cannot list services")) {
            for (String spec : List.of("Spec", "PreviousSpec")) {
                service.path(spec).path("TaskTemplate").path("ContainerSpec").path("Secrets")
                        .forEach(s -> ids.add(s.path("SecretID").asText()));
            }
        }
        return ids;
    }

    private JsonNode get(String path, String what) {
        DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.GET).path(path).build();
        try (DockerHttpClient.Response response = http.execute(request)) {
            String answer = new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8);
            if (response.getStatusCode() != 200) {
                throw new SwarmException("swarm manager " + engine + " " + what + ": HTTP " + response.getStatusCode()
                        + " " + answer.strip());
            }
            return JSON.readTree(answer);
        } catch (SwarmException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new SwarmException("swarm manager " + engine + " " + what + ": " + e.getMessage(), e);
        }
    }

    private <T> T call(String what, Supplier<T> action) {
        try {
            return action.get();
        } catch (RuntimeException e) {
            throw new SwarmException("swarm manager " + engine + " " + what + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            http.close();
        } catch (IOException ignored) {
            // closing the connection pool
        }
    }
}
