package dev.slipway.plan;

import static dev.slipway.dsl.Slipway.family;
import static dev.slipway.dsl.Slipway.fleet;
import static dev.slipway.dsl.Slipway.machine;
import static dev.slipway.dsl.Slipway.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.slipway.dsl.Base;
import dev.slipway.dsl.Family;
import dev.slipway.dsl.MachineProfile;
import dev.slipway.dsl.Rollout;
import dev.slipway.dsl.Service;
import dev.slipway.model.DataSize;
import dev.slipway.model.LogRotation;
import dev.slipway.validation.Fleet;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The runtime settings of each instance, resolved for its machine, and the start order they put on the waves. */
class RuntimePlanTest {
    static final MachineProfile MAINPC = machine("mainpc").gpu("RTX 4090", DataSize.ofGiB(24), "8.9")
            .gpuVisibleDevices("0,1");
    static final MachineProfile PC2 = machine("pc2").gpu("RTX 3060", DataSize.ofGiB(12), "8.6");
    static final Family ROOT = family("root").from(Base.scratch());
    static final Family TORCH = family("torch").parent(ROOT).cuda("8.6", "8.9").gpus().shmSize(DataSize.ofGiB(2));
    static final BuildIdentity BUILD = BuildIdentity.of(LocalDate.of(2026, 12, 1), "0123456789abcdef");

    @Test
    void gpuDevicesComeFromEachMachinesProfileAndFamilyDefaultsReachTheInstance() {
        Service audio = service("audio").family(TORCH).ports(5557, 6557).on(MAINPC, PC2);
        FleetPlan plan = plan(List.of(audio, service("web").family(ROOT).ports(7000, 8000).on(PC2)), 5);

        RuntimePlan onMainpc = plan.instance(new InstanceId("audio", "mainpc")).runtime();
        RuntimePlan onPc2 = plan.instance(new InstanceId("audio", "pc2")).runtime();

        assertEquals(List.of("0", "1"), onMainpc.gpuDevices().orElseThrow());
        assertEquals(List.of(), onPc2.gpuDevices().orElseThrow(), "no ids in the profile: every GPU (count -1)");
        assertEquals(DataSize.ofGiB(2), onPc2.shmSize().orElseThrow());
        assertEquals(LogRotation.DEFAULT, onPc2.logs());
        assertSame(RuntimePlan.DEFAULT, plan.instance(new InstanceId("web", "pc2")).runtime());
        assertEquals("", RuntimePlan.DEFAULT.hashText(), "an instance without settings keeps its old settings hash");
    }

    @Test
    void aDependentComesAfterItsDependencyInsideTheCanaryAndAcrossBatches() {
        Service bus = service("bus").family(ROOT).ports(7150, 8150).on(MAINPC, PC2);
        Service observability = service("obs").family(ROOT).ports(9100, 9110).on(PC2);
        Service api = service("api").family(ROOT).ports(7000, 8000).on(MAINPC, PC2).dependsOn(bus, observability);
        Service worker = service("worker").family(ROOT).ports(7001, 8001).on(PC2).dependsOn(api);

        FleetPlan plan = plan(List.of(worker, api, bus, observability), 2);

        assertEquals(List.of(List.of("bus@mainpc", "api@mainpc"), List.of("bus@pc2", "obs@pc2"),
                List.of("api@pc2", "worker@pc2")),
                plan.rollout().waves().stream().map(w -> w.instances().stream().map(i -> i.id().toString()).toList())
                        .toList());
        assertEquals(List.of("bus", "obs"), plan.instance(new InstanceId("api", "pc2")).runtime().dependsOn());
    }

    static FleetPlan plan(List<Service> services, int batchSize) {
        Fleet fleet = Fleet.compile(fleet("f").registry("127.0.0.1:5000/org").machines(MAINPC, PC2).services(services)
                .rollout(Rollout.canaryOn(MAINPC).batchesOf(batchSize))).orThrow();
        return FleetPlanner.plan(fleet, BUILD);
    }
}
