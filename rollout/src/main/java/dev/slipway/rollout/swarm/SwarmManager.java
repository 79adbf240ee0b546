package dev.slipway.rollout.swarm;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/** A swarm manager's Engine API: its nodes, and the fleet's services and their tasks. */
public final class SwarmManager implements AutoCloseable {
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
