package dev.slipway.render;

import static dev.slipway.dsl.Slipway.family;
import static dev.slipway.dsl.Slipway.fleet;
import static dev.slipway.dsl.Slipway.service;
import static dev.slipway.machines.MachineProfiles.MAINPC;
import static dev.slipway.machines.MachineProfiles.PC2;

import dev.slipway.dsl.Base;
import dev.slipway.dsl.Family;
import dev.slipway.dsl.Rollout;
import dev.slipway.model.HealthCheck;
import dev.slipway.plan.BuildIdentity;
import dev.slipway.plan.FleetPlan;
import dev.slipway.plan.FleetPlanner;
import dev.slipway.validation.Fleet;
import java.time.Duration;
import java.time.LocalDate;

/** Plans of small fleets as the runner would compute them: the renderers' input. */
public final class TestPlans {
    public static final BuildIdentity BUILD = BuildIdentity.of(LocalDate.of(2026, 12, 1), "0123456789abcdef0123");

    private TestPlans() {
    }

    /**
     * SPEC's rows: model_ops_coordinator on mainpc (the canary machine), real_time_audio_pipeline on both machines,
     * memory_fusion_hub on pc2 with a health check on {@code /ready} and a 20 s start period.
     */
    public static FleetPlan aiSystem() {
        Family web = family("family-web").from(Base.scratch());
        var spec = fleet("ai_system").registry("ghcr.io/haymayndzultra").machines(MAINPC, PC2).families(web)
                .services(service("model_ops_coordinator").family(web).ports(7212, 8212).on(MAINPC),
                        service("real_time_audio_pipeline").family(web).ports(5557, 6557).on(MAINPC, PC2),
                        service("memory_fusion_hub").family(web).ports(5713, 6713).on(PC2)
                                .healthCheck(new HealthCheck("/ready", Duration.ofSeconds(30),
                                        Duration.ofSeconds(10), Duration.ofSeconds(20), 3)))
                .rollout(Rollout.canaryOn(MAINPC).batchesOf(1));
        return FleetPlanner.plan(Fleet.compile(spec).orThrow(), BUILD);
    }
}
