package dev.slipway.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.model.HealthCheck;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * apply of services that use the runtime settings, on two real dockerd engines: refusals before anything changes
 * (missing secret, readable secrets file, a host without the NVIDIA runtime), every setting on docker inspect, the
 * secret only inside the container, start order from the engine's event stream, a no-op re-apply, and a rotated
 * secret recreating exactly its user.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RunningServicesEndToEndTest {
    private static final String TOKEN_V1 = "hf_first-token-value-0123456789";
    private static final String TOKEN_V2 = "hf_rotated-token-value-9876543210";
    private static final String WORKER_KEY = "worker-key-value-42";
    private static final String[][] INSTANCES = {{"mainpc", "api"}, {"mainpc", "bus"}, {"pc2", "worker"},
            {"pc2", "plain"}};

    @TempDir
    static Path dir;
    static TwoMachines machines;
    static Path secrets;

    record Run(int code, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @BeforeAll
    static void machinesAndFleet() throws Exception {
        machines = TwoMachines.start();
        BusyboxBase.writeInto(dir, machines.engine("mainpc"));
        for (String service : List.of("api", "bus", "worker", "plain", "gpu")) {
            Path www = Files.createDirectories(dir.resolve("services").resolve(service).resolve("www"));
            Files.writeString(www.resolve("health"), HealthCheck.HEALTHY_BODY);
        }
        secrets = dir.resolve("secrets.env");
        writeSecrets(TOKEN_V1);
    }

    @AfterAll
    static void stop() {
        RunningServicesTestFleet.withGpuService = false;
        if (machines != null) {
            machines.close();
        }
    }

    @Test
    @Order(1)
    void aMissingSecretRefusesTheWholeApplyBeforeAnythingChanges() throws Exception {
        Path partial = dir.resolve("partial.env");
        Files.writeString(partial, "WORKER_KEY=" + WORKER_KEY + "\n");
        Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rw-------"));

        Run run = cli("apply", "--tag", "v1", "--secrets", partial.toString());

        assertEquals(1, run.code(), run.all());
        assertTrue(run.err().contains("service 'api' secret HF_TOKEN: no value"), run.err());
        assertTrue(run.err().contains("nothing was changed"), run.err());
        assertEquals(List.of(), fleetContainers());
    }

    @Test
    @Order(2)
    void aSecretsFileOthersCanReadIsRefused() throws Exception {
        Path open = dir.resolve("open.env");
        Files.writeString(open, "HF_TOKEN=" + TOKEN_V1 + "\nWORKER_KEY=" + WORKER_KEY + "\n");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));

        Run run = cli("apply", "--tag", "v1", "--secrets", open.toString());

        assertEquals(1, run.code(), run.all());
        assertTrue(run.err().contains("readable or writable by group or others (rw-r--r--); expected only its owner"),
                run.err());
        assertFalse(run.all().contains(TOKEN_V1));
        assertEquals(List.of(), fleetContainers());
    }

    @Test
    @Order(3)
    void aHostWithoutTheNvidiaRuntimeIsRefusedNamingHostAndService() {
        RunningServicesTestFleet.withGpuService = true;
        try {
            Run run = cli("apply", "--tag", "v1", "--secrets", secrets.toString());

            assertEquals(1, run.code(), run.all());
            assertTrue(run.err().contains("host mainpc"), run.err());
            assertTrue(run.err().contains("runs GPU service gpu"), run.err());
            assertTrue(run.err().contains("nothing was changed"), run.err());
            assertEquals(List.of(), fleetContainers());
        } finally {
            RunningServicesTestFleet.withGpuService = false;
        }
    }

    @Test
    @Order(4)
    void applyRunsEverySettingDependenciesFirstWithTheSecretOnlyInsideTheContainer() throws Exception {
        Instant before = Instant.now().minusSeconds(1);

        Run apply = cli("apply", "--tag", "v1", "--secrets", secrets.toString());

        assertEquals(0, apply.code(), apply.all());
        assertEquals("134217728 268435456 1500000000", inspect("mainpc", "api",
                "{{.HostConfig.ShmSize}} {{.HostConfig.Memory}} {{.HostConfig.NanoCpus}}"));
        assertEquals("nofile 4096 8192", inspect("mainpc", "api",
                "{{range .HostConfig.Ulimits}}{{.Name}} {{.Soft}} {{.Hard}}{{end}}"));
        assertEquals("json-file 1048576 2", inspect("mainpc", "api", "{{.HostConfig.LogConfig.Type}} "
                + "{{index .HostConfig.LogConfig.Config \"max-size\"}} {{index .HostConfig.LogConfig.Config \"max-file\"}}"));
        assertEquals("json-file 10485760 5", inspect("pc2", "plain", "{{.HostConfig.LogConfig.Type}} "
                + "{{index .HostConfig.LogConfig.Config \"max-size\"}} {{index .HostConfig.LogConfig.Config \"max-file\"}}"));
        assertEquals("volume runtest-cache /home/appuser/.cache", inspect("mainpc", "api",
                "{{range .Mounts}}{{.Type}} {{.Name}} {{.Destination}}{{end}}"));
        assertEquals("10001:10001", inspect("mainpc", "api", "{{.Config.User}}"));
        assertEquals(TOKEN_V1, exec("mainpc", "api", "cat /run/secrets/HF_TOKEN"));
        assertEquals("uid=10001", exec("mainpc", "api", "id -u | sed s/^/uid=/"));
        assertEquals("written", exec("mainpc", "api", "echo x > /home/appuser/.cache/probe && echo written"));
        assertEquals(WORKER_KEY, exec("pc2", "worker", "echo \"$WORKER_KEY\""));
        String inspected = machines.engine("mainpc").docker("inspect", RunningServicesTestFleet.NAME + ".api")
                .requireSuccess().stdout();
        assertFalse(inspected.contains(TOKEN_V1), "HF_TOKEN is on docker inspect");
        assertTrue(inspected.contains("dev.slipway.secrets-digest"), inspected);
        assertFalse(apply.all().contains(TOKEN_V1) || apply.all().contains(WORKER_KEY), "a secret in the output");
        String audit = Files.readString(dir.resolve("audit.jsonl"));
        assertFalse(audit.contains(TOKEN_V1) || audit.contains(WORKER_KEY), "a secret in the audit log");
        Run plan = cli("plan", "--tag", "v1");
        assertTrue(plan.out().contains("secret HF_TOKEN (file /run/secrets/HF_TOKEN)"), plan.out());
        assertTrue(plan.out().contains("starts after bus"), plan.out());
        assertFalse(plan.all().contains(TOKEN_V1));
        List<String> started = startedContainers("mainpc", before);
        assertEquals(List.of(RunningServicesTestFleet.NAME + ".bus", RunningServicesTestFleet.NAME + ".api"), started);
        int busHealthy = apply.out().indexOf("bus@mainpc: healthy after");
        int apiStarted = apply.out().indexOf("api@mainpc: started");
        assertTrue(busHealthy >= 0 && apiStarted > busHealthy, "api started before bus was healthy: " + apply.out());
    }

    @Test
    @Order(5)
    void reapplyingWithNothingChangedTouchesNothing() throws Exception {
        Map<String, String> ids = containerIds();

        Run again = cli("apply", "--tag", "v1", "--skip-build", "--secrets", secrets.toString());

        assertEquals(0, again.code(), again.all());
        assertTrue(again.out().contains("nothing to do"), again.out());
        assertEquals(ids, containerIds());
    }

    @Test
    @Order(6)
    void aRotatedSecretRecreatesExactlyTheInstanceThatUsesIt() throws Exception {
        Map<String, String> ids = containerIds();
        writeSecrets(TOKEN_V2);

        Run rotated = cli("apply", "--tag", "v1", "--skip-build", "--secrets", secrets.toString());

        assertEquals(0, rotated.code(), rotated.all());
        Map<String, String> after = containerIds();
        assertNotEquals(ids.get("api@mainpc"), after.get("api@mainpc"));
        for (String unchanged : List.of("bus@mainpc", "worker@pc2", "plain@pc2")) {
            assertEquals(ids.get(unchanged), after.get(unchanged), unchanged);
        }
        assertEquals(TOKEN_V2, exec("mainpc", "api", "cat /run/secrets/HF_TOKEN"));
        assertTrue(rotated.out().contains("secret values changed"), rotated.out());
        assertFalse(rotated.all().contains(TOKEN_V2));
    }

    @Test
    @Order(7)
    void logsPrintsAServicesOutputThroughItsEngine() {
        Run logs = cli("logs", "plain@pc2");
        Run recent = cli("logs", "plain", "--since", "1h");
        Run wrongMachine = cli("logs", "plain@mainpc");
        Run badSince = cli("logs", "plain", "--since", "yesterday");

        assertEquals(0, logs.code(), logs.all());
        assertEquals("plain started on pc2", logs.out().strip());
        assertEquals(0, recent.code(), recent.all());
        assertTrue(recent.out().contains("plain started on pc2"), recent.out());
        assertEquals(1, wrongMachine.code());
        assertTrue(wrongMachine.err().contains("plain does not run on mainpc; it runs on pc2"), wrongMachine.err());
        assertEquals(1, badSince.code());
        assertTrue(badSince.err().contains("--since: 'yesterday' is neither a duration"), badSince.err());
    }

    @Test
    @Order(8)
    void logsFollowPrintsNewLinesUntilTheContainerStops() throws Exception {
        java.util.concurrent.CompletableFuture<Run> follow = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> cli("logs", "plain@pc2", "--follow"));
        // a line the service writes while it is followed: PID 1's stdout is the container's log
        exec("pc2", "plain", "echo 'written while followed' > /proc/1/fd/1");
        Thread.sleep(1000);
        assertFalse(follow.isDone(), "--follow returned while the container still runs");
        String container = RunningServicesTestFleet.NAME + ".plain";
        machines.engine("pc2").docker("stop", container).requireSuccess();
        try {
            Run followed = follow.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(0, followed.code(), followed.all());
            assertTrue(followed.out().contains("plain started on pc2")
                    && followed.out().contains("written while followed"), followed.out());
        } finally {
            machines.engine("pc2").docker("start", container).requireSuccess();
        }
    }

    @Test
    @Order(9)
    void aDependencyFailingItsGateStopsItsDependentsCutoverAndRollsBack() throws Exception {
        Map<String, String> ids = containerIds();
        Files.writeString(dir.resolve("services/bus/www/health"), "{\"status\":\"degraded\"}");
        Files.writeString(dir.resolve("services/api/www/version"), "2\n"); // api has a new image too
        Instant before = Instant.now();

        Run apply = cli("apply", "--tag", "v2", "--secrets", secrets.toString());

        assertEquals(RolloutRun.ROLLOUT_FAILED, apply.code(), apply.all());
        assertTrue(apply.err().contains("wave 1 failed: bus@mainpc"), apply.err());
        List<String> started = startedContainers("mainpc", before);
        assertFalse(started.contains(RunningServicesTestFleet.NAME + ".api"), "api was started: " + started);
        assertEquals(ids, containerIds(), "every old container is back");
        assertEquals(TOKEN_V2, exec("mainpc", "api", "cat /run/secrets/HF_TOKEN"));
    }

    private static void writeSecrets(String token) throws Exception {
        Files.writeString(secrets, "# deploy-time secrets\nHF_TOKEN=" + token + "\nWORKER_KEY=" + WORKER_KEY + "\n");
        Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
    }

    private static List<String> fleetContainers() {
        List<String> names = new ArrayList<>();
        for (String machine : TwoMachines.MACHINES) {
            String listed = machines.engine(machine).docker("ps", "-a", "--format", "{{.Names}}").requireSuccess()
                    .stdout().strip();
            if (!listed.isEmpty()) {
                names.addAll(List.of(listed.split("\n")));
            }
        }
        return names;
    }

    /** Container start events on the machine's engine since {@code since}, in the order the engine saw them. */
    private static List<String> startedContainers(String machine, Instant since) {
        String from = since.getEpochSecond() + "." + String.format("%09d", since.getNano());
        String events = machines.engine(machine).docker("events", "--since", from,
                "--until", Long.toString(Instant.now().getEpochSecond() + 1), "--filter", "type=container",
                "--filter", "event=start", "--format", "{{.Actor.Attributes.name}}").requireSuccess().stdout().strip();
        return List.of(events.split("\n"));
    }

    private static Map<String, String> containerIds() {
        Map<String, String> ids = new LinkedHashMap<>();
        for (String[] instance : INSTANCES) {
            ids.put(instance[1] + "@" + instance[0], inspect(instance[0], instance[1], "{{.Id}}"));
        }
        return ids;
    }

    private static String inspect(String machine, String service, String format) {
        return machines.engine(machine).docker("inspect", "--format", format,
                RunningServicesTestFleet.NAME + "." + service).requireSuccess().stdout().strip();
    }

    private static String exec(String machine, String service, String shell) {
        return machines.engine(machine).docker("exec", RunningServicesTestFleet.NAME + "." + service, "sh", "-c",
                shell).requireSuccess().stdout().strip();
    }

    private static Run cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--fleet", RunningServicesTestFleet.class.getName(), "--dir", dir.toString()));
        all.addAll(machines.hostArguments());
        all.addAll(List.of("--registry", machines.registryHost() + "/slipway"));
        if (args[0].equals("apply")) {
            all.addAll(List.of("--insecure", "--cache", dir.resolve("cache").toString(), "--parallel", "1",
                    "--audit-log", dir.resolve("audit.jsonl").toString()));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }
}
