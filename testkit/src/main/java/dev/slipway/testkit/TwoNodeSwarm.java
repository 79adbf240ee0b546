package dev.slipway.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real two-node swarm on this machine: mainpc (manager) and pc2 (worker), each a dockerd in its own network
 * namespace. The two talk over their own veth pair (swarm traffic); each also has a veth pair to this namespace,
 * so the test reaches their services (198.19.0.0/16, within the range set aside for tests, RFC 2544). Every node
 * is labelled {@code dev.slipway.machine=<machine>} (Slipway's placement label). Nothing leaves this machine.
 */
public final class TwoNodeSwarm implements AutoCloseable {
    public static final List<String> MACHINES = List.of("mainpc", "pc2");
    /** Slipway's placement label (rollout's SwarmServiceSpecs.MACHINE_LABEL; the testkit knows no Slipway module). */
    public static final String MACHINE_LABEL = "dev.slipway.machine";

    private final String subnet;
    private final int offset;
    private final List<String> namespaces = new ArrayList<>();
    public final Map<String, LocalDockerd> engines = new LinkedHashMap<>();
    public final Map<String, String> nodeIds = new LinkedHashMap<>();

    private TwoNodeSwarm(String subnet, int offset) {
        this.subnet = subnet;
        this.offset = offset;
    }

    public static TwoNodeSwarm start() throws Exception {
        return start(Map.of(), 0);
    }

    /**
     * {@code genericResources}: what a machine's dockerd advertises ({@code NVIDIA-GPU=GPU-...}); {@code offset}
     * (0 to 9) sets this swarm's addresses and interface names apart from another test class's swarm in the JVM.
     */
    public static TwoNodeSwarm start(Map<String, List<String>> genericResources, int offset) throws Exception {
        long pid = ProcessHandle.current().pid();
        TwoNodeSwarm swarm = new TwoNodeSwarm("198.19." + ((pid + offset) % 250) + ".", offset);
        try {
            swarm.build(pid, genericResources);
            return swarm;
        } catch (Exception | Error e) {
            swarm.close();
            throw e;
        }
    }

    private void build(long pid, Map<String, List<String>> genericResources) throws Exception {
        String tag = offset == 0 ? "" : Integer.toString(offset);
        for (int i = 0; i < MACHINES.size(); i++) {
            String namespace = "h14" + tag + MACHINES.get(i) + pid;
            run("ip", "netns", "add", namespace);
            namespaces.add(namespace);
            run("ip", "-n", namespace, "link", "set", "lo", "up");
            String hostSide = "h14h" + tag + i + "p" + pid % 10000;
            String nsSide = "h14n" + tag + i + "p" + pid % 10000;
            run("ip", "link", "add", hostSide, "type", "veth", "peer", "name", nsSide);
            run("ip", "link", "set", nsSide, "netns", namespace);
            run("ip", "addr", "add", subnet + (4 * i + 1) + "/30", "dev", hostSide);
            run("ip", "link", "set", hostSide, "up");
            run("ip", "-n", namespace, "addr", "add", address(MACHINES.get(i)) + "/30", "dev", nsSide);
            run("ip", "-n", namespace, "link", "set", nsSide, "up");
        }
        String a = "h14sa" + tag + "p" + pid % 10000;
        String b = "h14sb" + tag + "p" + pid % 10000;
        run("ip", "link", "add", a, "type", "veth", "peer", "name", b);
        run("ip", "link", "set", a, "netns", namespaces.get(0));
        run("ip", "link", "set", b, "netns", namespaces.get(1));
        run("ip", "-n", namespaces.get(0), "addr", "add", swarmAddress(0) + "/30", "dev", a);
        run("ip", "-n", namespaces.get(1), "addr", "add", swarmAddress(1) + "/30", "dev", b);
        run("ip", "-n", namespaces.get(0), "link", "set", a, "up");
        run("ip", "-n", namespaces.get(1), "link", "set", b, "up");
        for (int i = 0; i < MACHINES.size(); i++) {
            LocalDockerd.Builder engine = LocalDockerd.builder().inNetworkNamespace(namespaces.get(i));
            genericResources.getOrDefault(MACHINES.get(i), List.of()).forEach(engine::nodeGenericResource);
            engines.put(MACHINES.get(i), engine.start());
        }
        LocalDockerd manager = engine("mainpc");
        manager.docker("swarm", "init", "--advertise-addr", swarmAddress(0), "--listen-addr",
                swarmAddress(0) + ":2377").requireSuccess();
        String token = manager.docker("swarm", "join-token", "-q", "worker").requireSuccess().stdout().strip();
        engine("pc2").docker("swarm", "join", "--token", token, "--advertise-addr", swarmAddress(1),
                swarmAddress(0) + ":2377").requireSuccess();
        for (String machine : MACHINES) {
            String id = engine(machine).docker("info", "-f", "{{.Swarm.NodeID}}").requireSuccess().stdout().strip();
            nodeIds.put(machine, id);
            manager.docker("node", "update", "--label-add", MACHINE_LABEL + "=" + machine, id)
                    .requireSuccess();
        }
    }

    /**
     * An image as the build would make it, on the machine's engine (Swarm runs a local image when its registry
     * cannot be reached): busybox httpd under tini on {@code healthPort}, running as {@code user}, serving
     * {@code health} with {@code healthBody}, with appuser's home (owned by it) holding {@code homeDirectories}.
     */
    public void importImage(String machine, String image, int healthPort, String user, String healthBody, Path dir,
            String... homeDirectories) throws IOException {
        Path root = dir.resolve("rootfs-" + image.replaceAll("[^A-Za-z0-9.-]", "-"));
        BusyboxTiniRootfs rootfs = BusyboxTiniRootfs.create(root);
        Path www = Files.createDirectories(rootfs.dir().resolve("app/www"));
        Files.writeString(www.resolve("health"), healthBody);
        for (String home : homeDirectories) {
            Files.createDirectories(rootfs.dir().resolve("home/" + BusyboxTiniRootfs.APP_USER).resolve(home));
        }
        Path tar = rootfs.writeTar(dir.resolve(root.getFileName() + ".tar"));
        engine(machine).docker("import", "--change", "ENTRYPOINT [\"/usr/bin/tini\", \"--\"]", "--change",
                "CMD [\"httpd\", \"-f\", \"-p\", \"" + healthPort + "\", \"-h\", \"/app/www\"]", "--change",
                "USER " + user, tar.toString(), image).requireSuccess();
    }

    /** The id of the container the service's running task has on the machine's engine. */
    public String taskContainer(String machine, String service) {
        return engine(machine).docker("ps", "--filter", "label=com.docker.swarm.service.name=" + service,
                "--format", "{{.ID}}").requireSuccess().stdout().strip();
    }

    public LocalDockerd engine(String machine) {
        return engines.get(machine);
    }

    public LocalDockerd manager() {
        return engine("mainpc");
    }

    /** Where the machine's services answer, from this namespace. */
    public String address(String machine) {
        return subnet + (4 * MACHINES.indexOf(machine) + 2);
    }

    /** The gate's addresses per machine (the nodes' own swarm addresses are not reachable from here). */
    public Map<String, String> addresses() {
        Map<String, String> addresses = new LinkedHashMap<>();
        MACHINES.forEach(m -> addresses.put(m, address(m)));
        return addresses;
    }

    private String swarmAddress(int index) {
        return subnet + (9 + index);
    }

    private static void run(String... argv) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " failed: " + output);
        }
    }

    @Override
    public void close() {
        List<LocalDockerd> all = new ArrayList<>(engines.values());
        java.util.Collections.reverse(all);
        all.forEach(LocalDockerd::close);
        for (String namespace : namespaces) {
            try {
                run("ip", "netns", "delete", namespace); // takes its veth pairs with it
            } catch (Exception ignored) {
                // best effort
            }
        }
    }
}
