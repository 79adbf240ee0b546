package dev.slipway.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.model.HealthCheck;
import dev.slipway.rollout.CrashPoint;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code apply} halted as by {@code kill -9} at every step of a cutover (a child runner armed with
 * {@link CrashPoint#PROPERTY}), on two real dockerd engines and a real registry: the one next {@code apply}
 * converges every time. The halt is in bravo@pc2, the first instance of the second wave, so the canary wave has
 * already moved on and the batch is half done.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KilledAnywhereEndToEndTest {
    private static final String[][] INSTANCES = {
            {"mainpc", "alpha"}, {"mainpc", "bravo"}, {"pc2", "bravo"}, {"pc2", "charlie"}, {"pc2", "delta"}};
    private static final List<String> SERVICES = List.of("alpha", "bravo", "charlie", "delta");
    private static final String VICTIM = "bravo@pc2";

    @TempDir
    static Path dir;
    static TwoMachines machines;
    static final Map<String, Map<String, String>> digests = new HashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    record Run(int code, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @BeforeAll
    static void machinesFleetAndThreeBuilds() throws Exception {
        machines = TwoMachines.start();
        BusyboxBase.writeInto(dir, machines.engine("mainpc"));
        for (String version : List.of("1", "2")) {
            for (String service : SERVICES) {
                writeApp(service, HealthCheck.HEALTHY_BODY, version);
            }
            build("v" + version);
        }
        for (String service : SERVICES) {
            writeApp(service, service.equals("charlie") ? "{\"status\":\"degraded\"}" : HealthCheck.HEALTHY_BODY, "3");
        }
        build("v3"); // every service changes version, charlie answers unhealthy
        Run first = cli("apply", "--tag", "v1", "--skip-build");
        assertEquals(0, first.code(), first.all());
        digests.put("v1", runningDigests());
    }

    @AfterAll
    static void stop() {
        if (machines != null) {
            machines.close();
        }
    }

    @Test
    @Order(1)
    void killedAfterRenamingTheOldContainer() throws Exception {
        killedAtThenConverges("after-rename", "v2");
    }

    @Test
    @Order(2)
    void killedAfterCreatingTheNewContainer() throws Exception {
        killedAtThenConverges("after-create", "v1");
    }

    @Test
    @Order(3)
    void killedAfterStoppingTheOldContainer() throws Exception {
        killedAtThenConverges("after-stop", "v2");
    }

    @Test
    @Order(4)
    void killedAfterStartingTheNewContainer() throws Exception {
        killedAtThenConverges("after-start", "v1");
    }

    @Test
    @Order(5)
    void killedDuringTheHealthGate() throws Exception {
        killedAtThenConverges("during-gate", "v2");
    }

    @Test
    @Order(6)
    void killedWhileRollingBackABatchAfterRemovingTheNewContainer() throws Exception {
        killedDuringBatchRollbackThenConverges("rollback-after-remove");
    }

    @Test
    @Order(7)
    void killedWhileRollingBackABatchAfterRenamingTheOldOneBack() throws Exception {
        killedDuringBatchRollbackThenConverges("rollback-after-rename");
    }

    private void killedAtThenConverges(String step, String tag) throws Exception {
        String killed = killedAt(step, tag);

        Run converge = cli("apply", "--tag", tag, "--skip-build");

        assertEquals(0, converge.code(), killed + "\n---\n" + converge.all());
        assertTrue(converge.out().contains("is gone"), converge.out()); // took over the dead run's lock
        if (digests.containsKey(tag)) {
            assertEquals(digests.get(tag), runningDigests(), converge.out());
        } else {
            digests.put(tag, runningDigests());
        }
        assertEveryInstanceHealthyAndAlone();
        Run again = cli("apply", "--tag", tag, "--skip-build");
        assertEquals(0, again.code(), again.all());
        assertTrue(again.out().contains("nothing to do"), again.out());
    }

    /** v3's charlie fails its gate after bravo@pc2 passed: the batch is rolled back, and the run halts in it. */
    private void killedDuringBatchRollbackThenConverges(String step) throws Exception {
        String killed = killedAt(step, "v3");
        assertTrue(killed.contains("charlie@pc2") && killed.contains("health gate FAILED"), killed);

        Run converge = cli("apply", "--tag", "v3", "--skip-build");

        // charlie still fails, so the batch is rolled back again, cleanly this time: exit 3, not 1 (it changed things)
        assertEquals(RolloutRun.ROLLOUT_FAILED, converge.code(), killed + "\n---\n" + converge.all());
        assertTrue(converge.err().contains("failed: charlie@pc2"), converge.err());
        Map<String, String> now = runningDigests();
        Map<String, String> before = digests.get("v2");
        for (String batchInstance : List.of("bravo@pc2", "charlie@pc2", "delta@pc2")) {
            assertEquals(before.get(batchInstance), now.get(batchInstance), batchInstance + "\n" + converge.out());
        }
        assertEveryInstanceHealthyAndAlone();
    }

    /** Runs {@code apply --tag tag} in a child runner that halts at {@code step} of bravo@pc2; returns its output. */
    private String killedAt(String step, String tag) throws Exception {
        List<String> argv = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + CrashPoint.PROPERTY + "=" + step + ":" + VICTIM,
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        argv.addAll(arguments("apply", "--tag", tag, "--skip-build"));
        Process victim = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String output = new String(victim.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(victim.waitFor(120, TimeUnit.SECONDS), output);
        assertEquals(137, victim.exitValue(), output);
        assertTrue(output.contains("halting at " + step + " of " + VICTIM), output);
        return output;
    }

    private void assertEveryInstanceHealthyAndAlone() throws Exception {
        for (String[] instance : INSTANCES) {
            int index = List.of(TwoMachines.MACHINES).indexOf(instance[0]);
            int port = RolloutTestFleet.healthPort(SERVICES.indexOf(instance[1]) + 1);
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
                    URI.create("http://" + machines.address(index) + ":" + port + "/health"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), instance[1] + "@" + instance[0]);
        }
        for (String machine : TwoMachines.MACHINES) {
            String names = machines.engine(machine).docker("ps", "-a", "--format", "{{.Names}} {{.State}}")
                    .requireSuccess().stdout();
            assertTrue(!names.contains("-previous"), machine + ": " + names);
            assertEquals(machine.equals("mainpc") ? 2 : 3, names.lines().filter(l -> l.endsWith(" running")).count(),
                    machine + ": " + names);
        }
    }

    private static void writeApp(String service, String health, String version) throws Exception {
        Path www = Files.createDirectories(dir.resolve("services").resolve(service).resolve("www"));
        Files.writeString(www.resolve("health"), health);
        Files.writeString(www.resolve("version"), version + "\n");
    }

    private static void build(String tag) {
        Run build = run(List.of("build", "--tag", tag, "--registry", registry(), "--insecure", "--cache",
                dir.resolve("cache").toString(), "--parallel", "1", "--fleet", RolloutTestFleet.class.getName(),
                "--dir", dir.toString()));
        assertEquals(0, build.code(), build.all());
    }

    private static String registry() {
        return machines.registryHost() + "/slipway";
    }

    private static List<String> arguments(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--fleet", RolloutTestFleet.class.getName(), "--dir", dir.toString(), "--registry",
                registry(), "--insecure", "--cache", dir.resolve("cache").toString(), "--parallel", "1",
                "--audit-log", dir.resolve("audit.jsonl").toString()));
        all.addAll(machines.hostArguments());
        return all;
    }

    private static Run cli(String... args) {
        return run(arguments(args));
    }

    private static Run run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    private static Map<String, String> runningDigests() {
        Map<String, String> found = new HashMap<>();
        for (String[] instance : INSTANCES) {
            found.put(instance[1] + "@" + instance[0], machines.engine(instance[0]).docker("inspect", "--format",
                    "{{index .Config.Labels \"dev.slipway.image-digest\"}}", RolloutTestFleet.NAME + "." + instance[1])
                    .requireSuccess().stdout().strip());
        }
        return found;
    }
}
