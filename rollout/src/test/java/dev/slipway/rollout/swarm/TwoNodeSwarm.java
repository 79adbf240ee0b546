package dev.slipway.rollout.swarm;

import dev.slipway.testkit.LocalDockerd;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real two-node swarm on this machine: mainpc (manager) and pc2 (worker), each a dockerd in its own network
 * namespace. The two talk over their own veth pair (swarm traffic); each also has a veth pair to this namespace,
 * so the test reaches their services (198.19.0.0/16, within the range set aside for tests, RFC 2544). Every node
 * is labelled {@code dev.slipway.machine=<machine>}. Nothing leaves this machine.
 */
final class TwoNodeSwarm implements AutoCloseable {
    static final List<String> MACHINES = List.of("mainpc", "pc2");

    private final String subnet;
    private final List<String> namespaces = new ArrayList<>();
    final Map<String, LocalDockerd> engines = new LinkedHashMap<>();
    final Map<String, String> nodeIds = new LinkedHashMap<>();

    private TwoNodeSwarm(String subnet) {
        this.subnet = subnet;
    }

    static TwoNodeSwarm start() throws Exception {
        long pid = ProcessHandle.current().pid();
        TwoNodeSwarm swarm = new TwoNodeSwarm("198.19." + (pid % 250) + ".");
        try {
            swarm.build(pid);
            return swarm;
        } catch (Exception | Error e) {
            swarm.close();
            throw e;
        }
    }

    private void build(long pid) throws Exception {
        for (int i = 0; i < MACHINES.size(); i++) {
            String namespace = "h14" + MACHINES.get(i) + pid;
            run("ip", "netns", "add", namespace);
            namespaces.add(namespace);
            run("ip", "-n", namespace, "link", "set", "lo", "up");
            String hostSide = "h14h" + i + "p" + pid % 10000;
            String nsSide = "h14n" + i + "p" + pid % 10000;
            run("ip", "link", "add", hostSide, "type", "veth", "peer", "name", nsSide);
            run("ip", "link", "set", nsSide, "netns", namespace);
            run("ip", "addr", "add", subnet + (4 * i + 1) + "/30", "dev", hostSide);
            run("ip", "link", "set", hostSide, "up");
            run("ip", "-n", namespace, "addr", "add", address(MACHINES.get(i)) + "/30", "dev", nsSide);
            run("ip", "-n", namespace, "link", "set", nsSide, "up");
        }
        String a = "h14sa" + pid % 10000;
        String b = "h14sb" + pid % 10000;
        run("ip", "link", "add", a, "type", "veth", "peer", "name", b);
        run("ip", "link", "set", a, "netns", namespaces.get(0));
        run("ip", "link", "set", b, "netns", namespaces.get(1));
        run("ip", "-n", namespaces.get(0), "addr", "add", swarmAddress(0) + "/30", "dev", a);
        run("ip", "-n", namespaces.get(1), "addr", "add", swarmAddress(1) + "/30", "dev", b);
        run("ip", "-n", namespaces.get(0), "link", "set", a, "up");
        run("ip", "-n", namespaces.get(1), "link", "set", b, "up");
        for (int i = 0; i < MACHINES.size(); i++) {
            engines.put(MACHINES.get(i), LocalDockerd.builder().inNetworkNamespace(namespaces.get(i)).start());
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
            manager.docker("node", "update", "--label-add", SwarmServiceSpecs.MACHINE_LABEL + "=" + machine, id)
                    .requireSuccess();
        }
    }

    LocalDockerd engine(String machine) {
        return engines.get(machine);
    }

    LocalDockerd manager() {
        return engine("mainpc");
    }

    /** Where the machine's services answer, from this namespace. */
    String address(String machine) {
        return subnet + (4 * MACHINES.indexOf(machine) + 2);
    }

    /** The gate's addresses per machine (the nodes' own swarm addresses are not reachable from here). */
    Map<String, String> addresses() {
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
