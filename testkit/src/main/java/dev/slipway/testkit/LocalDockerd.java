package dev.slipway.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A private Docker daemon (Debian's {@code dockerd}, run as root) on its own unix socket under a short {@code /tmp}
 * directory: vfs storage, no bridge, no iptables, so it only runs {@code --network host} or {@code --network none}
 * containers and never touches the machine's own Docker setup.
 *
 * <pre>{@code
 * try (LocalDockerd dockerd = LocalDockerd.builder().insecureRegistry(registry.host()).start()) {
 *     dockerd.docker("pull", registry.host() + "/slipway/base-python:1").requireSuccess();
 * }
 * }</pre>
 */
public final class LocalDockerd implements AutoCloseable {

    private static final Path DOCKERD = Path.of("/usr/sbin/dockerd");
    private static final Path DEBIAN_DOCKER_CLI = Path.of("/usr/bin/docker");
    private static final Path SHORT_TEMP = Path.of("/tmp");
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMinutes(5);
    private static final Pattern NAMESPACE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    /** Variables that would point the CLI at another daemon or at the user's credentials. */
    private static final List<String> FOREIGN_DOCKER_VARIABLES = List.of(
            "DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_API_VERSION");

    private final ScratchDirectory home;
    private final String networkNamespace;
    private final DaemonProcess daemon;
    private final ShutdownGuard guard;
    private boolean closed;

    private LocalDockerd(ScratchDirectory home, String networkNamespace, DaemonProcess daemon) {
        this.home = home;
        this.networkNamespace = networkNamespace;
        this.daemon = daemon;
        this.guard = ShutdownGuard.closeOnExit("dockerd", this);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A daemon with no insecure registries, in the current network namespace. */
    public static LocalDockerd start() {
        return builder().start();
    }

    /** The daemon's API socket, e.g. {@code /tmp/swd1a2b3c/docker.sock}. */
    public Path socketPath() {
        return home.path().resolve("docker.sock");
    }

    /** The value for {@code DOCKER_HOST} or {@code docker -H}, e.g. {@code unix:///tmp/swd1a2b3c/docker.sock}. */
    public String dockerHost() {
        return "unix://" + socketPath();
    }

    /** The named network namespace ({@code ip netns}) the daemon and its host-network containers live in. */
    public Optional<String> networkNamespace() {
        return Optional.ofNullable(networkNamespace);
    }

    /** Runs the docker CLI against this daemon, isolated from any other daemon and from ~/.docker; at most 5 minutes. */
    public CommandResult docker(String... args) {
        return docker(DEFAULT_COMMAND_TIMEOUT, args);
    }

    public CommandResult docker(Duration timeout, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add(Files.isExecutable(DEBIAN_DOCKER_CLI) ? DEBIAN_DOCKER_CLI.toString() : "docker");
        argv.add("--host");
        argv.add(dockerHost());
        argv.addAll(List.of(args));
        Map<String, String> environment = new HashMap<>();
        FOREIGN_DOCKER_VARIABLES.forEach(name -> environment.put(name, ""));
        environment.put("DOCKER_CONFIG", home.path().resolve("client").toString());
        return CommandLine.of(argv).withEnvironment(environment).run(timeout);
    }

    /** Everything dockerd logged so far. */
    public String log() {
        return daemon.log();
    }

    /**
     * Stops dockerd by its pid (SIGTERM, which also stops its containers; SIGKILL after 20 s), unmounts whatever
     * it left under its directory and deletes that directory.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            daemon.stop(STOP_GRACE);
            unmountEverythingUnder(home.path());
        } finally {
            home.delete();
            guard.release();
        }
    }

    private void awaitPing() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        String lastProblem = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!daemon.isAlive()) {
                throw new IllegalStateException(daemon + " exited before answering /_ping; its log:\n" + daemon.log());
            }
            if (Files.exists(socketPath())) {
                try {
                    UnixSocketHttp.Answer answer = UnixSocketHttp.get(socketPath(), "/_ping", Duration.ofSeconds(2));
                    if (answer.status() == 200 && answer.body().strip().equals("OK")) {
                        return;
                    }
                    lastProblem = "/_ping answered " + answer.status() + ": " + answer.body();
                } catch (IOException e) {
                    lastProblem = e.toString();
                }
            }
            DaemonProcess.pause(Duration.ofMillis(100));
        }
        throw new IllegalStateException(daemon + " did not answer GET /_ping on " + socketPath() + " within "
                + STARTUP_TIMEOUT + " (" + lastProblem + "); its log:\n" + daemon.lastLogLines(200));
    }

    /** Mount points below {@code root}, deepest first (vfs leaves none; the exec root keeps a netns bind mount). */
    static List<Path> mountsUnder(Path root) {
        try {
            String prefix = root.toString() + "/";
            return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                    .map(line -> line.split(" "))
                    .filter(fields -> fields.length > 4)
                    .map(fields -> unescapeMountPath(fields[4]))
                    .filter(mountPoint -> mountPoint.startsWith(prefix) || mountPoint.equals(root.toString()))
                    .distinct()
                    .sorted(Comparator.comparingInt(String::length).reversed())
                    .map(Path::of)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/mountinfo", e);
        }
    }

    private static void unmountEverythingUnder(Path root) {
        for (Path mountPoint : mountsUnder(root)) {
            CommandResult plain = CommandLine.of("umount", "--recursive", mountPoint.toString())
                    .run(Duration.ofSeconds(30));
            if (!plain.succeeded()) {
                // still busy: detach it so the directory can go; the kernel frees it when the last user leaves
                CommandLine.of("umount", "--lazy", mountPoint.toString()).run(Duration.ofSeconds(30));
            }
        }
    }

    private static String unescapeMountPath(String field) {
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                path.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                path.append(c);
            }
        }
        return path.toString();
    }

    /** Choices made before the daemon starts; everything else is fixed so every test sees the same daemon. */
    public static final class Builder {

        private final List<String> insecureRegistries = new ArrayList<>();
        private final List<String> nodeGenericResources = new ArrayList<>();
        private String networkNamespace;

        private Builder() {
        }

        /** A {@code host:port} the daemon pulls from and pushes to over plain HTTP. */
        public Builder insecureRegistry(String hostAndPort) {
            insecureRegistries.add(requireHostAndPort(hostAndPort));
            return this;
        }

        public Builder insecureRegistries(List<String> hostsAndPorts) {
            hostsAndPorts.forEach(this::insecureRegistry);
            return this;
        }

        /**
         * A resource the daemon advertises to a swarm as a node ({@code KIND=VALUE}, e.g. {@code NVIDIA-GPU=GPU-1});
         * repeatable. Only advertised: nothing checks that the device exists.
         */
        public Builder nodeGenericResource(String kindAndValue) {
            if (!kindAndValue.matches("[A-Za-z0-9_-]+=[A-Za-z0-9_.-]+")) {
                throw new IllegalArgumentException("not a generic resource KIND=VALUE: '" + kindAndValue + "'");
            }
            nodeGenericResources.add(kindAndValue);
            return this;
        }

        /**
         * Runs the daemon inside an existing named network namespace ({@code ip netns add NAME}), so its
         * {@code --network host} containers get that namespace's loopback: one namespace per simulated machine.
         */
        public Builder inNetworkNamespace(String name) {
            if (!NAMESPACE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("not a network namespace name: '" + name + "'");
            }
            this.networkNamespace = name;
            return this;
        }

        /** Starts dockerd and returns once {@code GET /_ping} on its socket answers OK. */
        public LocalDockerd start() {
            if (!Files.isExecutable(DOCKERD)) {
                throw new IllegalStateException(DOCKERD + " is missing; install the Debian package docker.io");
            }
            Path namespaceFile = networkNamespace == null ? null : Path.of("/run/netns", networkNamespace);
            if (namespaceFile != null && !Files.exists(namespaceFile)) {
                throw new IllegalStateException("network namespace " + networkNamespace
                        + " does not exist; create it first with: ip netns add " + networkNamespace);
            }
            ScratchDirectory home = ScratchDirectory.createShort(SHORT_TEMP, "swd");
            List<String> argv = new ArrayList<>();
            if (namespaceFile != null) {
                // not `ip netns exec`: that remounts /sys, hiding the cgroup mounts dockerd needs
                argv.addAll(List.of("nsenter", "--net=" + namespaceFile));
            }
            argv.addAll(daemonArguments(home.path()));
            DaemonProcess daemon;
            try {
                // an empty config file, so a stale /etc/docker/daemon.json (e.g. with "hosts") cannot clash
                Files.writeString(home.path().resolve("daemon.json"), "{}\n");
                Files.createDirectories(home.path().resolve("client"));
                Map<String, String> environment = new HashMap<>();
                FOREIGN_DOCKER_VARIABLES.forEach(variable -> environment.put(variable, ""));
                daemon = DaemonProcess.start("dockerd", argv, environment, home.path().resolve("dockerd.log"));
            } catch (IOException | RuntimeException e) {
                home.delete();
                throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
            }
            LocalDockerd dockerd = new LocalDockerd(home, networkNamespace, daemon);
            try {
                dockerd.awaitPing();
                return dockerd;
            } catch (RuntimeException e) {
                dockerd.close();
                throw e;
            }
        }

        private List<String> daemonArguments(Path home) {
            String instance = home.getFileName().toString();
            List<String> argv = new ArrayList<>(List.of(
                    DOCKERD.toString(),
                    "--host", "unix://" + home.resolve("docker.sock"),
                    "--data-root", home.resolve("data").toString(),
                    "--exec-root", home.resolve("exec").toString(),
                    "--pidfile", home.resolve("pid").toString(),
                    "--config-file", home.resolve("daemon.json").toString(),
                    "--iptables=false",
                    "--ip-masq=false",
                    "--bridge=none",
                    "--storage-driver=vfs",
                    // dockerd adopts a running system containerd if it finds one; separate namespaces keep daemons apart
                    "--containerd-namespace", "slipway-" + instance,
                    "--containerd-plugins-namespace", "slipway-" + instance + "-plugins"));
            for (String registry : insecureRegistries) {
                argv.add("--insecure-registry");
                argv.add(registry);
            }
            for (String resource : nodeGenericResources) {
                argv.add("--node-generic-resource");
                argv.add(resource);
            }
            return argv;
        }

        private static String requireHostAndPort(String value) {
            if (!value.matches("[A-Za-z0-9.-]+(:[0-9]{1,5})?")) {
                throw new IllegalArgumentException("not a registry host[:port]: '" + value + "'");
            }
            return value;
        }
    }
}
