package dev.slipway.rollout.swarm;

import static dev.slipway.dsl.Slipway.family;
import static dev.slipway.dsl.Slipway.fleet;
import static dev.slipway.dsl.Slipway.service;
import static dev.slipway.machines.MachineProfiles.MAINPC;
import static dev.slipway.machines.MachineProfiles.PC2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.dsl.Base;
import dev.slipway.dsl.Family;
import dev.slipway.dsl.HealthProbe;
import dev.slipway.dsl.Rollout;
import dev.slipway.model.HealthCheck;
import dev.slipway.plan.BuildIdentity;
import dev.slipway.plan.FleetPlan;
import dev.slipway.plan.FleetPlanner;
import dev.slipway.plan.InstanceId;
import dev.slipway.plan.InstancePlan;
import dev.slipway.rollout.health.HttpHealthGate;
import dev.slipway.testkit.TwoNodeSwarm;
import dev.slipway.validation.Fleet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plan rolled out to a real two-node swarm (manager mainpc, worker pc2): services land on their machine's
 * node and answer /health there; re-applying updates nothing; a broken canary is rolled back by Swarm and reported,
 * and pc2's services are not touched.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwarmRolloutTest {
    static final HealthCheck QUICK = new HealthCheck("/health", Duration.ofSeconds(2), Duration.ofSeconds(1),
            Duration.ofSeconds(4), 2);

    @TempDir
    static Path dir;
    static TwoNodeSwarm swarm;
    static SwarmManager manager;
    static final List<String> progress = new ArrayList<>();

    @BeforeAll
    static void startSwarm() throws Exception {
        swarm = TwoNodeSwarm.start();
        manager = SwarmManager.connect(URI.create(swarm.manager().dockerHost()), Optional.empty());
    }

    @AfterAll
    static void stop() {
        if (manager != null) {
            manager.close();
        }
        if (swarm != null) {
            swarm.close();
        }
    }

    static FleetPlan plan(String tag) {
        Family busybox = family("busybox").from(Base.scratch()).healthProbe(HealthProbe.BUSYBOX_WGET);
        var spec = fleet("swarmtest").registry("registry.invalid/slipway").machines(MAINPC, PC2).families(busybox)
                .services(web("alpha", busybox, 1).on(MAINPC), web("bravo", busybox, 2).on(MAINPC, PC2),
                        web("charlie", busybox, 3).on(PC2))
                .rollout(Rollout.canaryOn(MAINPC).batchesOf(2));
        return FleetPlanner.plan(Fleet.compile(spec).orThrow(), new BuildIdentity(tag, "0123456789abcdef"));
    }

    private static dev.slipway.dsl.Service web(String name, Family family, int n) {
        return service(name).family(family).ports(17200 + n, 18200 + n).healthCheck(QUICK);
    }

    static void loadImages(FleetPlan plan, Map<String, String> bodies) throws Exception {
        SwarmImages.load(swarm, plan, bodies, dir);
    }

    static SwarmReport apply(FleetPlan plan) {
        progress.clear();
        return new SwarmRollout(manager, HttpHealthGate.standard(), swarm.addresses(), line -> {
            progress.add(line);
            System.out.println(line);
        }).apply(plan);
    }

    static Map<String, Long> versions() {
        Map<String, Long> versions = new TreeMap<>();
        manager.services("swarmtest").forEach(s -> versions.put(s.getSpec().getName(), s.getVersion().getIndex()));
        return versions;
    }

    static String health(String machine, int n) throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + swarm.address(machine) + ":" + (18200 + n) + "/health"))
                .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
        return answer.statusCode() + " " + answer.body();
    }

    static String diagnose() {
        StringBuilder out = new StringBuilder();
        for (String machine : TwoNodeSwarm.MACHINES) {
            out.append(swarm.engine(machine).docker("ps", "-a").stdout());
            for (String id : swarm.engine(machine).docker("ps", "-aq").stdout().strip().split("\\s+")) {
                if (!id.isBlank()) {
                    out.append(swarm.engine(machine).docker("inspect", "-f", "{{.Config.Cmd}} {{.Config.Entrypoint}} "
                            + "{{json .State.Health}}", id).stdout());
                }
            }
        }
        return out.toString();
    }

    @Test
    @Order(1)
    void everyInstanceBecomesAServiceOnItsMachinesNodeAndAnswersHealthThere() throws Exception {
        FleetPlan v1 = plan("v1");
        loadImages(v1, Map.of());
        SwarmReport report = apply(v1);

        assertTrue(report.succeeded(), report.why() + "\n" + String.join("\n", progress) + "\n" + diagnose());
        assertEquals(4, report.outcomes().size());
        assertTrue(report.outcomes().stream().allMatch(o -> o.action() == SwarmOutcome.Action.CREATE
                && o.result() == SwarmOutcome.Result.DONE), report.outcomes().toString());
        assertEquals("wave 1 (canary): alpha@mainpc, bravo@mainpc", progress.get(0));
        for (InstancePlan instance : v1.instances()) {
            String name = SwarmServiceSpecs.name(v1, instance);
            var tasks = manager.tasks(manager.service(name).orElseThrow().getId());
            assertEquals(List.of(swarm.nodeIds.get(instance.machine())), tasks.stream()
                    .filter(t -> t.getDesiredState() == com.github.dockerjava.api.model.TaskState.RUNNING)
                    .map(t -> t.getNodeId()).toList(), name + " runs on " + instance.machine() + "'s node");
        }
        String ok = "200 " + HealthCheck.HEALTHY_BODY;
        assertEquals(ok, health("mainpc", 1));
        assertEquals(ok, health("mainpc", 2));
        assertEquals(ok, health("pc2", 2));
        assertEquals(ok, health("pc2", 3));
        String user = swarm.taskContainer("pc2", "swarmtest_charlie_pc2");
        assertEquals("10001:10001 host", swarm.engine("pc2").docker("inspect", "-f",
                "{{.Config.User}} {{.HostConfig.NetworkMode}}", user).requireSuccess().stdout().strip());
    }

    @Test
    @Order(2)
    void reapplyingTheSamePlanUpdatesNoService() {
        Map<String, Long> before = versions();
        SwarmReport report = apply(plan("v1"));
        assertTrue(report.succeeded(), report.why());
        assertTrue(report.changedNothing(), report.outcomes().toString());
        assertEquals("every service is up to date", report.why());
        assertEquals(before, versions());
    }

    @Test
    @Order(3)
    void aBrokenCanaryIsRolledBackBySwarmAndTheOtherMachineIsNotTouched() throws Exception {
        FleetPlan v2 = plan("v2");
        loadImages(v2, Map.of("alpha", "{\"status\":\"degraded\"}"));
        Map<String, Long> before = versions();
        SwarmReport report = apply(v2);

        assertFalse(report.succeeded(), String.join("\n", progress));
        assertTrue(report.why().startsWith("wave 1 failed: alpha@mainpc: Swarm rolled it back"), report.why());
        Map<InstanceId, SwarmOutcome> byInstance = new TreeMap<>();
        report.outcomes().forEach(o -> byInstance.put(o.instance(), o));
        assertEquals(SwarmOutcome.Result.ROLLED_BACK, byInstance.get(InstanceId.parse("alpha@mainpc")).result());
        assertEquals(SwarmOutcome.Result.ROLLED_BACK, byInstance.get(InstanceId.parse("bravo@mainpc")).result(),
                "the whole failed wave goes back");
        assertEquals(SwarmOutcome.Result.NOT_STARTED, byInstance.get(InstanceId.parse("charlie@pc2")).result());
        assertEquals(before.get("swarmtest_charlie_pc2"), versions().get("swarmtest_charlie_pc2"));
        assertEquals(before.get("swarmtest_bravo_pc2"), versions().get("swarmtest_bravo_pc2"));
        for (String name : List.of("swarmtest_alpha_mainpc", "swarmtest_bravo_mainpc")) {
            assertTrue(manager.service(name).orElseThrow().getSpec().getTaskTemplate().getContainerSpec().getImage()
                    .endsWith(":v1-mainpc"), name + " is back on v1");
        }
        assertEquals("200 " + HealthCheck.HEALTHY_BODY, health("mainpc", 1));
    }
}
