package dev.slipway.rollout.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.slipway.model.HealthCheck;
import dev.slipway.model.ImageReference;
import dev.slipway.rollout.health.HealthEndpoint;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One machine's Docker Engine, through docker-java: the only class that speaks the Engine API. Every failure
 * becomes an {@link EngineException} naming the machine; "not found" is a value ({@link Optional}), not an error.
 */
public final class DockerEngine implements AutoCloseable {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HostEndpoint host;
    private final DockerHttpClient http;
    private final DockerClient client;
    private volatile RegistryAuth registryAuth = RegistryAuth.ANONYMOUS;

    private DockerEngine(HostEndpoint host, DockerHttpClient http, DockerClient client) {
        this.host = host;
        this.http = http;
        this.client = client;
    }

    /** Connects and pings; an unreachable engine is an {@link EngineException} naming the machine. */
    public static DockerEngine connect(HostEndpoint host) {
        DefaultDockerClientConfig.Builder config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host.engine().toString())
                .withDockerTlsVerify(host.tlsDirectory().isPresent());
        host.tlsDirectory().ifPresent(dir -> config.withDockerCertPath(dir.toString()));
        DockerClientConfig built = config.build();
        DockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(built.getDockerHost())
                .sslConfig(built.getSSLConfig())
                .maxConnections(16)
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofMinutes(10))
                .build();
        DockerEngine engine = new DockerEngine(host, http, DockerClientImpl.getInstance(built, http));
        try {
            engine.call("unreachable", () -> engine.client.pingCmd().exec());
            return engine;
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    /** Pulls and digest look-ups from now on send the login {@code auth} has for the image's registry. */
    public void useRegistryAuth(RegistryAuth auth) {
        this.registryAuth = auth;
    }

    public HostEndpoint host() {
        return host;
    }

    public String machine() {
        return host.machine();
    }

    /** Every container (running or not) labelled with this fleet. */
    public List<LiveContainer> containers(String fleet) {
        List<Container> listed = call("cannot list containers", () -> client.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(Labels.FLEET, fleet)).exec());
        List<LiveContainer> live = new ArrayList<>();
        for (Container container : listed) {
            inspect(container.getId()).ifPresent(live::add);
        }
        live.sort(java.util.Comparator.comparing(LiveContainer::name));
        return live;
    }

    public Optional<LiveContainer> inspect(String nameOrId) {
        InspectContainerResponse inspected;
        try {
            inspected = client.inspectContainerCmd(nameOrId).exec();
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw new EngineException(machine(), "cannot inspect container " + nameOrId, e);
        }
        Map<String, String> labels = inspected.getConfig().getLabels() == null
                ? Map.of()
                : inspected.getConfig().getLabels();
        InspectContainerResponse.ContainerState state = inspected.getState();
        Optional<String> health = Optional.ofNullable(state.getHealth()).map(h -> h.getStatus());
        Optional<Instant> started = Optional.ofNullable(state.getStartedAt())
                .filter(s -> !s.startsWith("0001-"))
                .map(Instant::parse);
        String name = inspected.getName().startsWith("/") ? inspected.getName().substring(1) : inspected.getName();
        return Optional.of(new LiveContainer(inspected.getId(), name,
                labels.getOrDefault(Labels.SERVICE, ""), labels.getOrDefault(Labels.MACHINE, ""),
                labels.getOrDefault(Labels.IMAGE, inspected.getConfig().getImage()),
                Optional.ofNullable(labels.get(Labels.IMAGE_DIGEST)),
                Optional.ofNullable(labels.get(Labels.REVISION)),
                Optional.ofNullable(labels.get(Labels.SETTINGS)),
                Labels.ports(labels.get(Labels.PORTS)),
                Labels.port(labels.getOrDefault(Labels.HEALTH_PORT, labels.get(Labels.LEGACY_HEALTH_PORT)))
                        .map(port -> new HealthEndpoint(port, labels.getOrDefault(Labels.HEALTH_PATH,
                                HealthCheck.SPEC_DEFAULT.path()))),
                Boolean.TRUE.equals(state.getRunning()),
                state.getStatus() == null ? "unknown" : state.getStatus(),
                health, started, labels));
    }

    /** The container's current run: up or not, restart count, start time; empty when it is gone. */
    public Optional<RunState> runState(String nameOrId) {
        InspectContainerResponse inspected;
        try {
            inspected = client.inspectContainerCmd(nameOrId).exec();
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw new EngineException(machine(), "cannot inspect container " + nameOrId, e);
        }
        InspectContainerResponse.ContainerState state = inspected.getState();
        return Optional.of(new RunState(Boolean.TRUE.equals(state.getRunning()),
                Boolean.TRUE.equals(state.getRestarting()),
                inspected.getRestartCount() == null ? 0 : inspected.getRestartCount(),
                Optional.ofNullable(state.getStartedAt()).filter(s -> !s.startsWith("0001-")).map(Instant::parse)));
    }

    /**
     * The digest the registry holds for {@code image} ({@code repo:tag}), asked through this engine so its own
     * registry settings and credentials apply; empty when the registry has no such tag.
     */
    public Optional<String> registryDigest(String image) {
        String path = "/distribution/" + URLEncoder.encode(image, StandardCharsets.UTF_8).replace("%2F", "/")
                .replace("%3A", ":") + "/json";
        ImageReference reference = ImageReference.parse(image);
        Optional<RegistryAuth.Login> login = registryAuth.loginFor(reference.registry());
        DockerHttpClient.Request.Builder builder = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.GET).path(path);
        login.ifPresent(l -> builder.putHeader("X-Registry-Auth", registryAuthHeader(l, reference.registry())));
        try (DockerHttpClient.Response response = http.execute(builder.build())) {
            String body = new String(readAll(response.getBody()), StandardCharsets.UTF_8);
            if (response.getStatusCode() == 200) {
                JsonNode descriptor = JSON.readTree(body).path("Descriptor").path("digest");
                return descriptor.isTextual() ? Optional.of(descriptor.asText()) : Optional.empty();
            }
            if (response.getStatusCode() == 401 || response.getStatusCode() == 403 || body.contains("unauthorized")
                    || body.contains("authentication required") || body.contains("no basic auth credentials")
                    || body.contains("denied")) {
                throw new EngineException(machine(), "cannot look up " + image + ": its registry "
                        + reference.registry() + " refused " + login.map(l -> "the login of user " + l.username())
                                .orElse("anonymous access; give credentials (SLIPWAY_REGISTRY_USERNAME/_PASSWORD, "
                                        + "docker login or a credential helper)"),
                        new IOException("HTTP " + response.getStatusCode()));
            }
            if (response.getStatusCode() == 404 || body.contains("manifest unknown") || body.contains("not found")) {
                return Optional.empty();
            }
            throw new EngineException(machine(), "cannot look up " + image + " in its registry",
                    new IOException("HTTP " + response.getStatusCode() + ": " + body.strip()));
        } catch (IOException e) {
            throw new EngineException(machine(), "cannot look up " + image + " in its registry", e);
        } catch (EngineException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new EngineException(machine(), "cannot look up " + image + " in its registry", e);
        }
    }

    /** Pulls {@code repo:tag} and returns the digest it now has locally ({@code sha256:...}). */
    public String pull(String image) {
        ImageReference reference = ImageReference.parse(image);
        call("cannot pull " + image, () -> {
            try {
                var pull = client.pullImageCmd(reference.repository()).withTag(reference.tagOrLatest());
                registryAuth.loginFor(reference.registry()).ifPresent(login -> pull.withAuthConfig(
                        new com.github.dockerjava.api.model.AuthConfig().withUsername(login.username())
                                .withPassword(login.password()).withRegistryAddress(reference.registry())));
                return pull.exec(new PullImageResultCallback()).awaitCompletion(30, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        });
        return localDigest(image).orElseThrow(() -> new EngineException(machine(), "pulled " + image,
                new IllegalStateException("the engine reports no registry digest for it")));
    }

    /** The registry digest of a local image {@code repo:tag}, from its RepoDigests. */
    public Optional<String> localDigest(String image) {
        Optional<InspectImageResponse> inspected = inspectImage(image);
        if (inspected.isEmpty() || inspected.get().getRepoDigests() == null) {
            return Optional.empty();
        }
        String repository = ImageReference.parse(image).repository();
        return inspected.get().getRepoDigests().stream()
                .map(ImageReference::parse)
                .filter(d -> d.repository().equals(repository))
                .flatMap(d -> d.digest().stream())
                .findFirst();
    }

    /** The user the image runs as ({@code uid:gid} or a name), empty when the image sets none. */
    public Optional<String> imageUser(String image) {
        return inspectImage(image).map(i -> i.getConfig() == null ? null : i.getConfig().getUser())
                .filter(u -> !u.isEmpty());
    }

    public Map<String, String> imageLabels(String image) {
        return inspectImage(image).map(i -> i.getConfig() == null || i.getConfig().getLabels() == null
                ? Map.<String, String>of()
                : i.getConfig().getLabels()).orElse(Map.of());
    }

    private Optional<InspectImageResponse> inspectImage(String image) {
        try {
            return Optional.of(client.inspectImageCmd(image).exec());
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw new EngineException(machine(), "cannot inspect image " + image, e);
        }
    }

    /**
     * Creates (does not start) a container; its ports are not bound until it starts. Its runtime settings become
     * HostConfig fields (DeviceRequests, ShmSize, Memory, NanoCpus, Ulimits, Mounts, LogConfig); volume roots and
     * secret files are written into it before this returns, so the first start finds them.
     */
    public String create(ContainerSpec spec) {
        com.github.dockerjava.api.model.HealthCheck check = new com.github.dockerjava.api.model.HealthCheck()
                .withTest(spec.healthCheck().test())
                .withInterval(spec.healthCheck().intervalSeconds() * NANOS_PER_SECOND)
                .withTimeout(spec.healthCheck().timeoutSeconds() * NANOS_PER_SECOND)
                .withStartPeriod(spec.healthCheck().startPeriodSeconds() * NANOS_PER_SECOND)
                .withRetries(spec.healthCheck().retries());
        HostConfig hostConfig = RuntimeHostConfig.apply(spec, HostConfig.newHostConfig()
                .withNetworkMode("host")
                .withRestartPolicy(RestartPolicy.unlessStoppedRestart())
                .withSecurityOpts(List.of("no-new-privileges:true")));
        List<String> env = spec.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted().toList();
        String id = call("cannot create container " + spec.name(), () -> {
            var create = client.createContainerCmd(spec.pinnedImage())
                    .withName(spec.name())
                    .withUser(spec.user())
                    .withLabels(spec.labels())
                    .withHealthcheck(check)
                    .withHostConfig(hostConfig);
            if (!env.isEmpty()) {
                create.withEnv(env);
            }
            return create.exec().getId();
        });
        if (ContainerFiles.needed(spec)) {
            int[] ids = RuntimeHostConfig.uidGid(spec.user());
            byte[] tar = ContainerFiles.tar(spec, ids[0], ids[1]);
            try {
                // the engine's message names paths only; file contents never reach an error
                call("cannot write volume roots and secret files into " + spec.name(),
                        () -> client.copyArchiveToContainerCmd(id).withRemotePath("/")
                                .withTarInputStream(new java.io.ByteArrayInputStream(tar)).exec());
            } catch (RuntimeException e) {
                remove(id);
                throw e;
            }
        }
        return id;
    }

    /** The engine's {@code GET /info} document: runtimes, CDI spec directories, what the host can run. */
    public JsonNode info() {
        DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.GET).path("/info").build();
        try (DockerHttpClient.Response response = http.execute(request)) {
            byte[] body = readAll(response.getBody());
            if (response.getStatusCode() != 200) {
                throw new EngineException(machine(), "cannot read engine info",
                        new IOException("HTTP " + response.getStatusCode()));
            }
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new EngineException(machine(), "cannot read engine info", e);
        }
    }

    /**
     * Streams a container's stdout and stderr (Engine API {@code GET /containers/{id}/logs}), one decoded chunk at a
     * time, from {@code since} (epoch seconds; 0 for all); with {@code follow} until the container stops or the
     * thread is interrupted.
     */
    public void logs(String container, boolean follow, long since, java.util.function.Consumer<String> lines) {
        call("cannot read the logs of " + container, () -> {
            var command = client.logContainerCmd(container).withStdOut(true).withStdErr(true)
                    .withFollowStream(follow);
            if (since > 0) {
                command.withSince((int) since);
            }
            try {
                command.exec(
                        new com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.Frame>() {
                            @Override
                            public void onNext(com.github.dockerjava.api.model.Frame frame) {
                                lines.accept(new String(frame.getPayload(), StandardCharsets.UTF_8));
                            }
                        }).awaitCompletion();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Starts a container; one that already runs (the engine's 304) is what we wanted anyway. */
    public void start(String container) {
        try {
            client.startContainerCmd(container).exec();
        } catch (com.github.dockerjava.api.exception.NotModifiedException alreadyRunning) {
            // a killed run may have left it running
        } catch (RuntimeException e) {
            throw new EngineException(machine(), "cannot start " + container, e);
        }
    }

    public void stop(String container, Duration grace) {
        try {
            client.stopContainerCmd(container).withTimeout((int) Math.max(1, grace.toSeconds())).exec();
        } catch (com.github.dockerjava.api.exception.NotModifiedException alreadyStopped) {
            // stopping a stopped container is what we wanted anyway
        } catch (RuntimeException e) {
            throw new EngineException(machine(), "cannot stop " + container, e);
        }
    }

    public void rename(String container, String newName) {
        call("cannot rename " + container + " to " + newName,
                () -> client.renameContainerCmd(container).withName(newName).exec());
    }

    /** Stops (if running) and removes; a container that is already gone is fine. */
    public void remove(String container) {
        try {
            client.removeContainerCmd(container).withForce(true).exec();
        } catch (NotFoundException gone) {
            // already removed
        } catch (RuntimeException e) {
            throw new EngineException(machine(), "cannot remove " + container, e);
        }
    }

    /**
     * Creates the named volume unless it exists and returns the labels it has now: the engine creates a name once,
     * so whoever finds their own labels on it holds it.
     */
    public Map<String, String> createVolumeIfAbsent(String name, Map<String, String> labels) {
        Map<String, String> now = call("cannot create volume " + name,
                () -> client.createVolumeCmd().withName(name).withLabels(labels).exec().getLabels());
        return now == null ? Map.of() : now;
    }

    public Optional<Map<String, String>> volumeLabels(String name) {
        try {
            Map<String, String> labels = client.inspectVolumeCmd(name).exec().getLabels();
            return Optional.of(labels == null ? Map.of() : labels);
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw new EngineException(machine(), "cannot inspect volume " + name, e);
        }
    }

    public void removeVolume(String name) {
        try {
            client.removeVolumeCmd(name).exec();
        } catch (NotFoundException gone) {
            // already removed
        } catch (RuntimeException e) {
            throw new EngineException(machine(), "cannot remove volume " + name, e);
        }
    }

    private <T> T call(String what, Supplier<T> action) {
        try {
            return action.get();
        } catch (EngineException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new EngineException(machine(), what, e);
        }
    }

    private void call(String what, Runnable action) {
        call(what, () -> {
            action.run();
            return null;
        });
    }

    /** The Engine API's registry auth: base64url of {@code {"username","password","serveraddress"}}. */
    private static String registryAuthHeader(RegistryAuth.Login login, String registry) {
        var json = JSON.createObjectNode().put("username", login.username()).put("password", login.password())
                .put("serveraddress", registry);
        return java.util.Base64.getUrlEncoder().encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] readAll(InputStream body) throws IOException {
        return body == null ? new byte[0] : body.readAllBytes();
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException | RuntimeException ignored) {
            // closing a connection pool cannot fail in a way the user could act on
        }
    }
}
