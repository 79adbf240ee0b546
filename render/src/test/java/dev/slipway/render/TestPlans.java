package dev.slipway.render;

import static dev.slipway.dsl.Slipway.family;
import static dev.slipway.dsl.Slipway.fleet;
import static dev.slipway.dsl.Slipway.machine;
import static dev.slipway.dsl.Slipway.service;
import static dev.slipway.machines.MachineProfiles.MAINPC;
import static dev.slipway.machines.MachineProfiles.PC2;

import dev.slipway.dsl.Base;
import dev.slipway.dsl.Family;
import dev.slipway.dsl.MachineProfile;
import dev.slipway.dsl.Rollout;
import dev.slipway.dsl.Service;
import dev.slipway.model.DataSize;
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

    /** A machine with two GPUs, so a GPU count is the number of devices, not always 1. */
    public static final MachineProfile GPUBOX = machine("gpubox").gpu("NVIDIA A100", DataSize.ofGiB(80), "8.0")
            .gpuVisibleDevices("0,1");
    public static final String HF_CACHE = "/home/appuser/.cache/huggingface";

    /**
     * Every runtime setting: the torch family sets shm and two ulimits; model_ops_coordinator on mainpc (the canary)
     * has every GPU of mainpc (one), memory and CPU limits, the HF cache volume, a read-only bind of /srv/models,
     * HF_TOKEN as a file and OPS_API_KEY as env, its own log rotation, and starts after central_error_bus (on
     * mainpc and pc2); affective_processing_center on pc2 and gpubox (two GPUs) shares the cache volume name and
     * depends on model_ops_coordinator, which runs on neither.
     */
    public static FleetPlan everySetting() {
        Family web = family("family-web").from(Base.scratch());
        Family torch = family("family-torch").from(Base.scratch()).shmSize(DataSize.ofGiB(2))
                .ulimit("memlock", -1, -1).ulimit("stack", 67108864, 67108864);
        Service bus = service("central_error_bus").family(web).ports(7150, 8150).on(MAINPC, PC2);
        Service coordinator = service("model_ops_coordinator").family(torch).ports(7212, 8212).on(MAINPC).gpus()
                .memory(DataSize.ofGiB(16)).cpus(4.5).volume("ai_system-hf-cache", HF_CACHE)
                .readOnlyBind("/srv/models", "/models").secret("HF_TOKEN").secretAsEnv("OPS_API_KEY")
                .logs(DataSize.ofMiB(20), 3).dependsOn(bus);
        Service affective = service("affective_processing_center").family(torch).ports(5560, 6560).on(PC2, GPUBOX)
                .gpus().volume("ai_system-hf-cache", HF_CACHE).dependsOn(coordinator);
        var spec = fleet("ai_system").registry("ghcr.io/haymayndzultra").machines(MAINPC, PC2, GPUBOX)
                .families(web, torch).services(bus, coordinator, affective)
                .rollout(Rollout.canaryOn(MAINPC).batchesOf(1));
        return FleetPlanner.plan(Fleet.compile(spec).orThrow(), BUILD);
    }
}
