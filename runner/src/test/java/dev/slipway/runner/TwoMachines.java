package dev.slipway.runner;

import dev.slipway.testkit.CommandResult;
import dev.slipway.testkit.LocalDockerd;
import dev.slipway.testkit.LocalRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Two machines on this one: mainpc and pc2, each a private dockerd in its own network namespace, reachable from
 * here over a veth pair in 198.18.0.0/15 (the range set aside for tests, RFC 2544), and one registry on the host's
 * loopback that both namespaces reach at the same 127.0.0.1:PORT through relays. Services on both machines bind
 * the same ports, as on two real machines; nothing leaves this machine.
 */
final class TwoMachines implements AutoCloseable {
    static final String[] MACHINES = {"mainpc", "pc2"};

    final LocalRegistry registry;
    final String subnet;
    final List<String> namespaces = new ArrayList<>();
    final List<LocalDockerd> engines = new ArrayList<>();
    private final List<AutoCloseable> relays = new ArrayList<>();
    private final List<Process> namespaceRelays = new ArrayList<>();

    private TwoMachines(LocalRegistry registry, String subnet) {
        this.registry = registry;
        this.subnet = subnet;
    }

    static TwoMachines start() throws Exception {
        return start(LocalRegistry.start());
    }

    /** Two machines that pull from {@code registry} (e.g. one that wants credentials), which they close. */
    static TwoMachines start(LocalRegistry registry) throws Exception {
        long pid = ProcessHandle.current().pid();
        String subnet = "198.18." + (20 + pid % 200) + ".";
        TwoMachines machines = new TwoMachines(registry, subnet);
        try {
            for (int i = 0; i < MACHINES.length; i++) {
                machines.addMachine(i, pid);
            }
            return machines;
        } catch (Exception | Error e) {
            machines.close();
            throw e;
        }
    }

    private void addMachine(int index, long pid) throws Exception {
        String namespace = "sw" + MACHINES[index] + pid;
        String hostSide = "swh" + index + "p" + pid % 100000;
        String nsSide = "swn" + index + "p" + pid % 100000;
        String hostAddress = hostAddress(index);
        String nsAddress = address(index);
        run("ip", "netns", "add", namespace);
        namespaces.add(namespace);
        run("ip", "-n", namespace, "link", "set", "lo", "up");
        run("ip", "link", "add", hostSide, "type", "veth", "peer", "name", nsSide);
        run("ip", "link", "set", nsSide, "netns", namespace);
        run("ip", "addr", "add", hostAddress + "/30", "dev", hostSide);
        run("ip", "link", "set", hostSide, "up");
        run("ip", "-n", namespace, "addr", "add", nsAddress + "/30", "dev", nsSide);
        run("ip", "-n", namespace, "link", "set", nsSide, "up");
        relays.add(TcpRelay.start(hostAddress, registry.port(), "127.0.0.1", registry.port()));
        Process relay = new ProcessBuilder("nsenter", "--net=/run/netns/" + namespace,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), TcpRelay.class.getName(), "127.0.0.1",
                Integer.toString(registry.port()), hostAddress, Integer.toString(registry.port()))
                .redirectErrorStream(true).start();
        namespaceRelays.add(relay);
        String first = new BufferedReader(new InputStreamReader(relay.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        if (!"relaying".equals(first)) {
            throw new IllegalStateException("relay in " + namespace + " did not start: " + first);
        }
        engines.add(LocalDockerd.builder().inNetworkNamespace(namespace).insecureRegistry(registryHost()).start());
    }

    /** Where the machine's services answer, from here. */
    String address(int index) {
        return subnet + (4 * index + 2);
    }

    private String hostAddress(int index) {
        return subnet + (4 * index + 1);
    }

    String registryHost() {
        return "127.0.0.1:" + registry.port();
    }

    LocalDockerd engine(String machine) {
        return engines.get(List.of(MACHINES).indexOf(machine));
    }

    /** {@code --host} values for both machines. */
    List<String> hostArguments() {
        List<String> args = new ArrayList<>();
        for (int i = 0; i < MACHINES.length; i++) {
            args.add("--host");
            args.add(MACHINES[i] + "=" + engines.get(i).dockerHost() + ",address=" + address(i));
        }
        return args;
    }

    private static void run(String... argv) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " failed: " + output);
        }
    }

    static CommandResult requireSuccess(CommandResult result) {
        return result.requireSuccess();
    }

    @Override
    public void close() {
        engines.forEach(LocalDockerd::close);
        namespaceRelays.forEach(p -> {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (AutoCloseable relay : relays) {
            try {
                relay.close();
            } catch (Exception ignored) {
                // closing a listening socket
            }
        }
        for (String namespace : namespaces) {
            try {
                run("ip", "netns", "delete", namespace); // takes its veth pair with it
            } catch (Exception ignored) {
                // best effort
            }
        }
        registry.close();
    }
}
