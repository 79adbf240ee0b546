package dev.slipway.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.slipway.model.HealthCheck;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.TwoNodeSwarm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * {@code status}, {@code plan} and {@code rollback} with {@code --swarm} on a real two-node swarm (manager mainpc,
 * worker pc2) and Debian's docker-registry: after applying v1 and then v2, status reads both nodes' tasks; plan
 * diffs against the services; a held lock and a tag never pushed are refused with nothing changed; rollback --to
 * v1 puts every service back, is audited, and status then reports v1 deployed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwarmRollbackStatusPlanEndToEndTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Map<String, String> MACHINE = Map.of("alpha", "mainpc", "bravo", "pc2");

    @TempDir
    static Path dir;
    static LocalRegistry registry;
    static TwoNodeSwarm swarm;

    @BeforeAll
    static void swarmAndImages() throws Exception {
        registry = LocalRegistry.start();
        swarm = TwoNodeSwarm.start(Map.of(), 3);
        for (String tag : List.of("v1", "v2")) {
            pushImage("alpha", tag, SwarmTwoNodeFleet.ALPHA_HEALTH);
            pushImage("bravo", tag, SwarmTwoNodeFleet.BRAVO_HEALTH);
        }
    }

    @AfterAll
    static void stop() {
        if (swarm != null) {
            swarm.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    static String image(String service, String tag) {
        return registry.host() + "/slipway/" + SwarmTwoNodeFleet.NAME + "/" + service + ":" + tag + "-"
                + MACHINE.get(service);
    }

    /** On the service's node (which cannot reach this machine's loopback registry) and, the same bytes, pushed. */
    static void pushImage(String service, String tag, int healthPort) throws Exception {
        String machine = MACHINE.get(service);
        swarm.importImage(machine, image(service, tag), healthPort, "10001:10001", HealthCheck.HEALTHY_BODY, dir);
        Path archive = dir.resolve(service + "-" + tag + ".tar");
        swarm.engine(machine).docker("save", "-o", archive.toString(), image(service, tag)).requireSuccess();
        Process p = new ProcessBuilder("skopeo", "copy", "--insecure-policy", "--dest-tls-verify=false",
                "docker-archive:" + archive, "docker://" + image(service, tag)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, java.util.concurrent.TimeUnit.MINUTES) && p.exitValue() == 0, out);
    }

    static CliRun slipway(String command, String... more) {
        List<String> args = new ArrayList<>(List.of(command, "--fleet", SwarmTwoNodeFleet.class.getName(), "--swarm",
                swarm.manager().dockerHost(), "--registry", registry.host() + "/slipway", "--cache",
                dir.resolve("cache").toString()));
        for (String machine : TwoNodeSwarm.MACHINES) {
            args.addAll(List.of("--swarm-address", machine + "=" + swarm.address(machine)));
        }
        if (!command.equals("status") && !command.equals("plan")) {
            args.addAll(List.of("--insecure", "--audit-log", dir.resolve("audit.jsonl").toString()));
        }
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    /** The image each service's spec names, as {@code docker service inspect} shows it. */
    static List<String> serviceImages() {
        List<String> images = new ArrayList<>();
        for (String service : List.of("alpha", "bravo")) {
            images.add(swarm.manager().docker("service", "inspect", "-f", "{{.Spec.TaskTemplate.ContainerSpec.Image}}",
                    SwarmTwoNodeFleet.NAME + "_" + service + "_" + MACHINE.get(service)).requireSuccess().stdout()
                    .strip());
        }
        return images;
    }

    static String line(String output, String service) {
        return output.lines().filter(l -> l.strip().startsWith(service + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + service + ":\n" + output));
    }

    @Test
    @Order(1)
    void afterV1ThenV2StatusShowsEveryInstanceFromBothNodesDeployed() {
        CliRun v1 = slipway("apply", "--tag", "v1", "--skip-build");
        assertEquals(0, v1.exitCode(), v1.out() + v1.err());
        CliRun v2 = slipway("apply", "--tag", "v2", "--skip-build");
        assertEquals(0, v2.exitCode(), v2.out() + v2.err());

        CliRun status = slipway("status");

        assertEquals(0, status.exitCode(), status.out() + status.err());
        assertTrue(status.out().startsWith("Fleet " + SwarmTwoNodeFleet.NAME + ", desired tag v2 (deployed"),
                status.out());
        for (String service : List.of("alpha", "bravo")) {
            String row = line(status.out(), service);
            assertTrue(row.contains("desired v2  running v2  task running on " + MACHINE.get(service)
                    + ", /health 200 "), row);
            assertTrue(row.endsWith("drift: none"), row);
        }
        assertTrue(status.out().indexOf("  mainpc:") < status.out().indexOf("  pc2:"), status.out());
    }

    @Test
    @Order(2)
    void planDiffsAgainstTheServicesNothingForV2UpdatesForV3() {
        CliRun same = slipway("plan", "--tag", "v2");
        assertEquals(0, same.exitCode(), same.out() + same.err());
        assertTrue(same.out().contains("Live changes for fleet " + SwarmTwoNodeFleet.NAME + ", tag v2:"), same.out());
        assertTrue(same.out().contains("0 to create, 0 to update, 2 unchanged, 0 to remove"), same.out());
        assertTrue(same.out().contains("no waves: nothing to roll out"), same.out());

        CliRun next = slipway("plan", "--tag", "v3");

        assertEquals(0, next.exitCode(), next.out() + next.err());
        assertTrue(next.out().contains("0 to create, 2 to update, 0 unchanged, 0 to remove"), next.out());
        assertTrue(next.out().contains("~ alpha"), next.out());
        assertTrue(next.out().contains("update " + image("alpha", "v2") + " -> " + image("alpha", "v3")
                + " (new image)"), next.out());
        assertTrue(next.out().contains("wave 1 (canary): alpha@mainpc"), next.out());
        assertTrue(next.out().contains("wave 2 (batch): bravo@pc2"), next.out());
        assertEquals(List.of(image("alpha", "v2"), image("bravo", "v2")), serviceImages(), "plan changed a service");
    }

    @Test
    @Order(3)
    void aHeldLockRefusesTheRunNamingItsHolder() throws Exception {
        Path value = Files.writeString(dir.resolve("lock-value"), "theirs");
        swarm.manager().docker("secret", "create", "--label", "dev.slipway.lock.holder=ops@elsewhere", "--label",
                "dev.slipway.lock.pid=4242", "--label", "dev.slipway.lock.since=2026-01-01T00:00:00Z", "--label",
                "dev.slipway.lock.token=theirs", "slipway-lock." + SwarmTwoNodeFleet.NAME, value.toString())
                .requireSuccess();
        try {
            CliRun run = slipway("rollback", "--to", "v1");

            assertEquals(1, run.exitCode(), run.out() + run.err());
            assertTrue(run.err().contains("the swarm: the deploy lock is held by ops@elsewhere (pid 4242) since "
                    + "2026-01-01T00:00:00Z"), run.err());
            assertEquals(List.of(image("alpha", "v2"), image("bravo", "v2")), serviceImages());
        } finally {
            swarm.manager().docker("secret", "rm", "slipway-lock." + SwarmTwoNodeFleet.NAME).requireSuccess();
        }
    }

    @Test
    @Order(4)
    void rollbackToATagNeverPushedExits1WithNothingChanged() throws Exception {
        long auditLines = Files.readAllLines(dir.resolve("audit.jsonl")).size();

        CliRun run = slipway("rollback", "--to", "never-pushed");

        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(HelpExitCodes.meaning("rollback", run.exitCode()).startsWith("refused before anything changed"));
        assertTrue(run.err().contains("rollback failed: not in the registry: " + image("alpha", "never-pushed")
                + " (for mainpc), " + image("bravo", "never-pushed") + " (for pc2); nothing was changed"), run.err());
        assertEquals(List.of(image("alpha", "v2"), image("bravo", "v2")), serviceImages());
        List<String> audit = Files.readAllLines(dir.resolve("audit.jsonl"));
        assertEquals(auditLines + 1, audit.size(), "a refused rollback is audited as on hosts");
        assertEquals("refused", JSON.readTree(audit.get(audit.size() - 1)).path("result").asText());
        assertFalse(swarm.manager().docker("secret", "ls", "--format", "{{.Name}}").requireSuccess().stdout()
                .contains("slipway-lock."), "the lock was not given back");
    }

    @Test
    @Order(5)
    void rollbackToV1PutsEveryServiceBackIsAuditedAndStatusReportsV1Deployed() throws Exception {
        CliRun run = slipway("rollback", "--to", "v1");

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertEquals(List.of(image("alpha", "v1"), image("bravo", "v1")), serviceImages());
        List<String> audit = Files.readAllLines(dir.resolve("audit.jsonl"));
        JsonNode last = JSON.readTree(audit.get(audit.size() - 1));
        assertEquals("rollback " + SwarmTwoNodeFleet.NAME + " v1 succeeded", last.path("command").asText() + " "
                + last.path("fleet").asText() + " " + last.path("tag").asText() + " " + last.path("result").asText());
        List<String> instances = new ArrayList<>();
        last.path("instances").forEach(i -> instances.add(i.path("instance").asText() + " " + i.path("action")
                .asText() + " " + i.path("result").asText() + " " + i.path("from").asText() + " -> "
                + i.path("to").asText()));
        assertEquals(List.of("alpha@mainpc update updated " + image("alpha", "v2") + " -> " + image("alpha", "v1"),
                "bravo@pc2 update updated " + image("bravo", "v2") + " -> " + image("bravo", "v1")), instances);

        CliRun status = slipway("status");

        assertEquals(0, status.exitCode(), status.out() + status.err());
        assertTrue(status.out().startsWith("Fleet " + SwarmTwoNodeFleet.NAME + ", desired tag v1 (deployed"),
                status.out());
        for (String service : List.of("alpha", "bravo")) {
            assertTrue(line(status.out(), service).contains("running v1  task running on " + MACHINE.get(service)),
                    status.out());
        }
    }
}
