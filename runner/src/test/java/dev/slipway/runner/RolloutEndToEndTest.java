package dev.slipway.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.model.HealthCheck;
import dev.slipway.rollout.DeployLock;
import dev.slipway.rollout.LockHolder;
import dev.slipway.rollout.RolloutListener;
import dev.slipway.rollout.engine.DockerEngine;
import dev.slipway.rollout.engine.HostEndpoint;
import java.io.BufferedReader;
import java.io.InputStreamReader;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * apply, plan, status and rollback end to end: Slipway-built images pushed to a real registry, rolled out on two
 * real dockerd engines (mainpc and pc2, each in its own network namespace), health-gated over real HTTP. The tests
 * run in order on one fleet, as an operator would over a day.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RolloutEndToEndTest {
    private static final String[][] INSTANCES = {
            {"mainpc", "alpha"}, {"mainpc", "bravo"}, {"pc2", "bravo"}, {"pc2", "charlie"}, {"pc2", "delta"}};
    private static final Pattern DOWNTIME = Pattern.compile("cutover downtime (\\d+) ms");

    @TempDir
    static Path dir;
    static TwoMachines machines;
    static final Map<String, Map<String, String>> digestsByTag = new HashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    record Run(int code, String out, String err) {
    }

    @BeforeAll
    static void machinesAndFleet() throws Exception {
        machines = TwoMachines.start();
        BusyboxBase.writeInto(dir, machines.engine("mainpc"));
        for (String service : List.of("alpha", "bravo", "charlie", "delta")) {
            writeApp(service, HealthCheck.HEALTHY_BODY, "1");
        }
    }

    @AfterAll
    static void stop() {
        if (machines != null) {
            machines.close();
        }
    }

    @Test
    @Order(1)
    void firstApplyCreatesEverythingHealthy() throws Exception {
        Run plan = cli("plan", "--tag", "v1");
        assertEquals(0, plan.code(), plan.err());
        assertTrue(plan.out().contains("5 to create, 0 to update, 0 unchanged, 0 to remove"), plan.out());

        Run apply = cli("apply", "--tag", "v1");

        assertEquals(0, apply.code(), apply.out() + apply.err());
        assertTrue(apply.out().contains("wave 1 (canary): alpha@mainpc, bravo@mainpc"), apply.out());
        for (String[] instance : INSTANCES) {
            assertHealthy(instance[0], instance[1]);
            assertEquals("true", inspect(instance[0], instance[1], "{{.State.Running}}"));
            assertEquals("10001:10001", inspect(instance[0], instance[1], "{{.Config.User}}"));
            assertEquals("host", inspect(instance[0], instance[1], "{{.HostConfig.NetworkMode}}"));
            assertEquals("unless-stopped", inspect(instance[0], instance[1], "{{.HostConfig.RestartPolicy.Name}}"));
            assertEquals("[no-new-privileges:true]", inspect(instance[0], instance[1], "{{.HostConfig.SecurityOpt}}"));
            assertEquals("30s 10s 6s 3", inspect(instance[0], instance[1],
                    "{{.Config.Healthcheck.Interval}} {{.Config.Healthcheck.Timeout}} "
                            + "{{.Config.Healthcheck.StartPeriod}} {{.Config.Healthcheck.Retries}}"));
        }
        digestsByTag.put("v1", runningDigests());
        List<String> audit = Files.readAllLines(dir.resolve("audit.jsonl"));
        assertEquals(1, audit.size());
        assertTrue(
                audit.get(0).contains("\"result\":\"succeeded\"")
                        && audit.get(0).contains("\"instance\":\"bravo@pc2\""),
                audit.get(0));
    }

    @Test
    @Order(2)
    void reapplyingChangesNothingAndStatusShowsNoDrift() {
        Map<String, String> ids = containerIds();

        Run again = cli("apply", "--tag", "v1", "--skip-build");
        Run status = cli("status", "--tag", "v1");

        assertEquals(0, again.code(), again.out() + again.err());
        assertEquals("done (or nothing to do)", HelpExitCodes.meaning("apply", again.code()));
        assertTrue(again.out().contains("nothing to do"), again.out());
        assertEquals(ids, containerIds());
        assertEquals(0, status.code(), status.out() + status.err());
        assertTrue(status.out().contains("drift: none"), status.out());
        assertTrue(status.out().contains("/health 200 {\"status\":\"ok\"}"), status.out());
    }

    @Test
    @Order(3)
    void anUpdateRollsOutCanaryThenBatchesWithMeasuredDowntime() throws Exception {
        for (String service : List.of("alpha", "bravo", "charlie", "delta")) {
            writeApp(service, HealthCheck.HEALTHY_BODY, "2");
        }
        build("v2");
        Run plan = cli("plan", "--tag", "v2");
        assertTrue(plan.out().contains("0 to create, 5 to update, 0 unchanged, 0 to remove"), plan.out());
        assertTrue(plan.out().contains("~ bravo"), plan.out());
        // the page colours each wave's instances as the live plan against these hosts says
        Path page = dir.resolve("plan-v2.html");
        Run pictured = cli("plan", "--tag", "v2", "--html", page.toString());
        assertEquals(0, pictured.code(), pictured.err());
        var drawn = org.jsoup.Jsoup.parse(Files.readString(page));
        assertEquals(5, drawn.select("li.wave .chip.instance.action-update").size(), drawn.select("ol.waves").html());
        assertEquals("bravo@mainpc: update — " + drawn.selectFirst("#machine-mainpc tr[data-service=bravo] .chip")
                .attr("title"), drawn.selectFirst("li.wave .chip[title^=bravo@mainpc]").attr("title"));

        Run apply = cli("apply", "--tag", "v2", "--skip-build");

        assertEquals(0, apply.code(), apply.out() + apply.err());
        String out = apply.out();
        int canary = out.indexOf("wave 1 (canary): alpha@mainpc, bravo@mainpc");
        int batch2 = out.indexOf("wave 2 (batch): bravo@pc2, charlie@pc2");
        int batch3 = out.indexOf("wave 3 (batch): delta@pc2");
        assertTrue(canary >= 0 && canary < batch2 && batch2 < batch3, out);
        assertTrue(out.indexOf("wave 1 passed") < batch2, out);
        Map<String, String> v2 = runningDigests();
        for (String[] instance : INSTANCES) {
            assertHealthy(instance[0], instance[1]);
            assertNotEquals(digestsByTag.get("v1").get(key(instance)), v2.get(key(instance)));
        }
        digestsByTag.put("v2", v2);
        List<Long> downtimes = downtimes(out);
        assertEquals(5, downtimes.size(), out);
        System.out.println("measured cutover downtime (ms) per instance, v1 -> v2: " + downtimes);
        assertTrue(downtimes.stream().allMatch(ms -> ms < 5000), downtimes.toString());
        assertTrue(noPreviousContainers());
    }

    @Test
    @Order(4)
    void aCanaryAnsweringWrongJsonIsRolledBackAndNothingElseIsTouched() throws Exception {
        writeApp("bravo", "{\"status\":\"degraded\"}", "3");
        Map<String, String> ids = containerIds();

        Run apply = cli("apply", "--tag", "v3");

        assertEquals(RolloutRun.ROLLOUT_FAILED, apply.code(), apply.out() + apply.err());
        assertTrue(HelpExitCodes.meaning("apply", apply.code()).startsWith("rollout failed after something changed"));
        assertTrue(apply.out().contains("wave 1 (canary): bravo@mainpc"), apply.out());
        assertTrue(apply.out().contains("health gate FAILED"), apply.out());
        assertTrue(apply.err().contains("canary wave 1 failed: bravo@mainpc")
                && apply.err().contains("200 {\"status\":\"degraded\"}"), apply.err());
        assertTrue(apply.out().contains("rolled back: old container"), apply.out());
        assertEquals(digestsByTag.get("v2"), runningDigests());
        for (String[] instance : INSTANCES) {
            assertHealthy(instance[0], instance[1]);
        }
        Map<String, String> after = containerIds();
        for (String untouched : List.of("alpha@mainpc", "bravo@pc2", "charlie@pc2", "delta@pc2")) {
            assertEquals(ids.get(untouched), after.get(untouched), untouched + " was touched");
        }
        assertTrue(noPreviousContainers());
        List<String> audit = Files.readAllLines(dir.resolve("audit.jsonl"));
        String last = audit.get(audit.size() - 1);
        assertTrue(last.contains("\"result\":\"failed\"") && last.contains("\"result\":\"rolled_back\""), last);
        writeApp("bravo", HealthCheck.HEALTHY_BODY, "2");
    }

    @Test
    @Order(5)
    void aSecondApplyIsRefusedWhileTheLockIsHeld() {
        LockHolder other = new LockHolder("someone", "elsewhere", 4242, "2026-01-01T10:00:00Z", "other-token");
        List<DockerEngine> engines = new ArrayList<>();
        for (int i = 0; i < TwoMachines.MACHINES.length; i++) {
            engines.add(DockerEngine.connect(HostEndpoint.parse(TwoMachines.MACHINES[i] + "="
                    + machines.engines.get(i).dockerHost())));
        }
        Map<String, String> ids = containerIds();
        try (DeployLock held = DeployLock.acquire(engines, RolloutTestFleet.NAME, other, false,
                RolloutListener.IGNORE)) {
            Run refused = cli("apply", "--tag", "v2", "--skip-build");

            assertEquals(1, refused.code(), refused.out() + refused.err());
            assertTrue(HelpExitCodes.meaning("apply", refused.code()).contains("lock held"));
            assertTrue(refused.err().contains("held by someone@elsewhere (pid 4242) since 2026-01-01T10:00:00Z"),
                    refused.err());
            assertEquals(ids, containerIds());

            Run broken = cli("apply", "--tag", "v2", "--skip-build", "--break-lock");
            assertEquals(0, broken.code(), broken.out() + broken.err());
            assertTrue(broken.out().contains("broke the deploy lock of someone@elsewhere"), broken.out());
        } finally {
            engines.forEach(DockerEngine::close);
        }
    }

    @Test
    @Order(6)
    void killedMidRolloutTheNextApplyConverges() throws Exception {
        for (String service : List.of("alpha", "bravo", "charlie", "delta")) {
            writeApp(service, HealthCheck.HEALTHY_BODY, "4");
        }
        build("v4");
        List<String> argv = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        argv.addAll(arguments("apply", "--tag", "v4", "--skip-build"));
        Process victim = new ProcessBuilder(argv).redirectErrorStream(true).start();
        StringBuilder seen = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(victim.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            // killed in the middle of the second wave's first cutover: old stopped, new not yet gated
            while ((line = lines.readLine()) != null) {
                seen.append(line).append('\n');
                if (line.contains("bravo@pc2: stopped the old container")) {
                    victim.destroyForcibly(); // SIGKILL
                    break;
                }
            }
        }
        assertTrue(victim.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, victim.exitValue(), seen.toString());

        Run converge = cli("apply", "--tag", "v4", "--skip-build");

        assertEquals(0, converge.code(), converge.out() + converge.err());
        assertTrue(converge.out().contains("broke the deploy lock") && converge.out().contains("is gone"),
                converge.out());
        assertTrue(converge.out().contains("left over by an interrupted run"), converge.out());
        Map<String, String> v4 = runningDigests();
        for (String[] instance : INSTANCES) {
            assertHealthy(instance[0], instance[1]);
            assertNotEquals(digestsByTag.get("v2").get(key(instance)), v4.get(key(instance)));
        }
        assertTrue(noPreviousContainers());
        assertTrue(cli("apply", "--tag", "v4", "--skip-build").out().contains("nothing to do"));
    }

    @Test
    @Order(7)
    void rollbackToAnEarlierTagRestoresItsDigests() throws Exception {
        Map<String, String> before = containerIds();
        Run missing = cli("rollback", "--to", "v0");
        assertEquals(1, missing.code(), missing.out() + missing.err());
        assertTrue(HelpExitCodes.meaning("rollback", missing.code()).startsWith("refused before anything changed"));
        assertTrue(missing.err().contains("not in the registry") && missing.err().contains("nothing was changed"),
                missing.err());
        assertEquals(before, containerIds());

        Run rollback = cli("rollback", "--to", "v2");

        assertEquals(0, rollback.code(), rollback.out() + rollback.err());
        assertTrue(rollback.out().contains("wave 1 (canary)"), rollback.out());
        assertEquals(digestsByTag.get("v2"), runningDigests());
        for (String[] instance : INSTANCES) {
            assertHealthy(instance[0], instance[1]);
        }
        System.out.println("measured cutover downtime (ms) per instance, rollback v4 -> v2: "
                + downtimes(rollback.out()));

        Run status = cli("status");
        assertEquals(0, status.code(), status.out() + status.err());
        assertTrue(status.out().contains("desired tag v2 (deployed; the definition's own tag is dev)"), status.out());
        assertEquals(5, status.out().lines().filter(l -> l.contains("drift: none")).count(), status.out());
        Run outdated = cli("status", "--tag", "v4");
        assertEquals(StatusCommand.DRIFT, outdated.code(), outdated.out());
        assertEquals("drift found", HelpExitCodes.meaning("status", outdated.code()));
    }

    @Test
    @Order(8)
    void anUnreachableHostFailsBeforeAnythingIsTouched() {
        Map<String, String> ids = containerIds();
        Run run = cli(List.of("apply", "--tag", "v1", "--skip-build", "--host",
                "mainpc=" + machines.engines.get(0).dockerHost(), "--host", "pc2=unix:///tmp/slipway-no-such.sock"));
        assertEquals(1, run.code());
        assertTrue(run.err().contains("host pc2 (unix:///tmp/slipway-no-such.sock) is unreachable"), run.err());
        assertEquals(ids, containerIds());
    }

    private static void writeApp(String service, String health, String version) throws Exception {
        Path www = Files.createDirectories(dir.resolve("services").resolve(service).resolve("www"));
        Files.writeString(www.resolve("health"), health);
        Files.writeString(www.resolve("version"), version + "\n");
    }

    private static void build(String tag) {
        Run build = cli("build", "--tag", tag, "--registry", registry(), "--insecure", "--cache",
                dir.resolve("cache").toString(), "--parallel", "1");
        assertEquals(0, build.code(), build.out() + build.err());
    }

    private static String registry() {
        return machines.registryHost() + "/slipway";
    }

    private static List<String> arguments(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--fleet", RolloutTestFleet.class.getName(), "--dir", dir.toString()));
        if (!args[0].equals("build")) {
            all.addAll(machines.hostArguments());
            all.addAll(List.of("--registry", registry()));
        }
        if (args[0].equals("apply")) {
            // one image at a time: docker-registry 2.x can answer 500 when two pushes race on one repository's blob
            all.addAll(List.of("--insecure", "--cache", dir.resolve("cache").toString(), "--parallel", "1"));
        }
        if (args[0].equals("apply") || args[0].equals("rollback")) {
            all.addAll(List.of("--audit-log", dir.resolve("audit.jsonl").toString()));
        }
        return all;
    }

    private static Run cli(String... args) {
        return run(arguments(args));
    }

    private static Run cli(List<String> fullArguments) {
        List<String> all = new ArrayList<>(fullArguments);
        all.addAll(List.of("--fleet", RolloutTestFleet.class.getName(), "--dir", dir.toString(), "--registry",
                registry(), "--audit-log", dir.resolve("audit.jsonl").toString()));
        return run(all);
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

    private void assertHealthy(String machine, String service) throws Exception {
        int index = List.of(TwoMachines.MACHINES).indexOf(machine);
        int port = RolloutTestFleet.healthPort(List.of("alpha", "bravo", "charlie", "delta").indexOf(service) + 1);
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
                URI.create("http://" + machines.address(index) + ":" + port + "/health"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), service + "@" + machine);
        assertEquals(HealthCheck.HEALTHY_BODY, answer.body(), service + "@" + machine);
    }

    private static String inspect(String machine, String service, String format) {
        return machines.engine(machine).docker("inspect", "--format", format, RolloutTestFleet.NAME + "." + service)
                .requireSuccess().stdout().strip();
    }

    private static Map<String, String> runningDigests() {
        Map<String, String> digests = new HashMap<>();
        for (String[] instance : INSTANCES) {
            digests.put(key(instance),
                    inspect(instance[0], instance[1], "{{index .Config.Labels \"dev.slipway.image-digest\"}}"));
        }
        return digests;
    }

    private static Map<String, String> containerIds() {
        Map<String, String> ids = new HashMap<>();
        for (String[] instance : INSTANCES) {
            ids.put(key(instance), inspect(instance[0], instance[1], "{{.Id}}"));
        }
        return ids;
    }

    private static boolean noPreviousContainers() {
        for (String machine : TwoMachines.MACHINES) {
            String names = machines.engine(machine).docker("ps", "-a", "--format", "{{.Names}}").requireSuccess()
                    .stdout();
            if (names.contains("-previous")) {
                return false;
            }
        }
        return true;
    }

    private static String key(String[] instance) {
        return instance[1] + "@" + instance[0];
    }

    private static List<Long> downtimes(String out) {
        List<Long> found = new ArrayList<>();
        Matcher matcher = DOWNTIME.matcher(out);
        while (matcher.find()) {
            found.add(Long.parseLong(matcher.group(1)));
        }
        return found;
    }

    static void assertNoStackTrace(Run run) {
        assertFalse(run.err().contains("\tat "), run.err());
    }
}
