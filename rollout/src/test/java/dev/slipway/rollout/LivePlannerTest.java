package dev.slipway.rollout;

import static dev.slipway.dsl.Slipway.family;
import static dev.slipway.dsl.Slipway.fleet;
import static dev.slipway.dsl.Slipway.service;
import static dev.slipway.machines.MachineProfiles.MAINPC;
import static dev.slipway.machines.MachineProfiles.PC2;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.slipway.dsl.Base;
import dev.slipway.dsl.Family;
import dev.slipway.dsl.Rollout;
import dev.slipway.plan.BuildIdentity;
import dev.slipway.plan.FleetPlanner;
import dev.slipway.plan.InstanceId;
import dev.slipway.model.Port;
import dev.slipway.rollout.health.HealthEndpoint;
import dev.slipway.plan.Wave;
import dev.slipway.rollout.engine.LiveContainer;
import dev.slipway.validation.Fleet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LivePlannerTest {
    private static final String OLD = "sha256:" + "a".repeat(64);
    private static final String NEW = "sha256:" + "b".repeat(64);

    private final DesiredFleet desired = DesiredFleet
            .of(FleetPlanner.plan(fleetOf(), new BuildIdentity("v2", "abc"), 1));

    private static Fleet fleetOf() {
        Family base = family("base").from(Base.image("registry.example/base@sha256:" + "c".repeat(64)));
        return Fleet.compile(fleet("f").registry("registry.example/org").machines(MAINPC, PC2).families(base)
                .services(service("web").family(base).ports(7001, 8001).on(MAINPC, PC2),
                        service("api").family(base).ports(7002, 8002).on(PC2))
                .rollout(Rollout.canaryOn(MAINPC).batchesOf(1))).orThrow();
    }

    private LiveContainer live(String service, String machine, String digest, boolean running) {
        DesiredInstance instance = desired.instance(new InstanceId(service, machine));
        return new LiveContainer("id-" + service + machine, "f." + service, service, machine, instance.image(),
                Optional.of(digest), Optional.of("abc"), Optional.of(instance.settingsHash()), instance.ports(),
                Optional.of(HealthEndpoint.of(instance.healthCheck())), running, running ? "running" : "exited",
                Optional.empty(),
                Optional.empty(), Map.of());
    }

    private Map<String, Optional<String>> allDigests(String digest) {
        Map<String, Optional<String>> digests = new HashMap<>();
        desired.instances().forEach(i -> digests.put(i.image(), Optional.of(digest)));
        return digests;
    }

    @Test
    void createUpdateUnchangedAndRemoveWithWavesOnlyForWhatChanges() {
        LiveContainer gone = new LiveContainer("id-old", "f.old", "old", "pc2", "registry.example/org/f/old:v1-pc2",
                Optional.of(OLD), Optional.empty(), Optional.empty(), List.of(Port.of(7009)),
                Optional.of(new HealthEndpoint(Port.of(8009), "/health")), true,
                "running", Optional.empty(), Optional.empty(), Map.of());
        Map<String, List<LiveContainer>> liveState = Map.of(
                "mainpc", List.of(live("web", "mainpc", OLD, true)),
                "pc2", List.of(live("web", "pc2", NEW, true), gone));

        LivePlan plan = LivePlanner.plan(desired, liveState, allDigests(NEW));

        Map<String, Action> actions = new HashMap<>();
        plan.changes().forEach(c -> actions.put(c.id().toString(), c.action()));
        assertEquals(Map.of("web@mainpc", Action.UPDATE, "web@pc2", Action.UNCHANGED, "api@pc2", Action.CREATE,
                "old@pc2", Action.REMOVE), actions);
        assertEquals(2, plan.waves().size());
        assertEquals(Wave.Kind.CANARY, plan.waves().get(0).kind());
        assertEquals(List.of("web@mainpc"),
                plan.waves().get(0).changes().stream().map(c -> c.id().toString()).toList());
        assertEquals(List.of("api@pc2"), plan.waves().get(1).changes().stream().map(c -> c.id().toString()).toList());
        InstanceChange update = plan.changes().get(0);
        assertEquals(Optional.of(OLD), update.fromDigest());
        assertEquals(Optional.of(NEW), update.toDigest());
    }

    @Test
    void aStoppedContainerWithTheRightImageIsRestarted() {
        LivePlan plan = LivePlanner.plan(desired, Map.of("mainpc", List.of(live("web", "mainpc", NEW, false))),
                allDigests(NEW));
        InstanceChange web = plan.changes().stream().filter(c -> c.id().equals(InstanceId.parse("web@mainpc")))
                .findFirst().orElseThrow();
        assertEquals(Action.UPDATE, web.action());
        assertEquals("container is exited", web.reason());
    }

    @Test
    void everythingUpToDateChangesNothing() {
        Map<String, List<LiveContainer>> liveState = Map.of(
                "mainpc", List.of(live("web", "mainpc", NEW, true)),
                "pc2", List.of(live("web", "pc2", NEW, true), live("api", "pc2", NEW, true)));
        LivePlan plan = LivePlanner.plan(desired, liveState, allDigests(NEW));
        assertEquals(true, plan.changesNothing());
        assertEquals(List.of(), plan.waves());
    }
}
