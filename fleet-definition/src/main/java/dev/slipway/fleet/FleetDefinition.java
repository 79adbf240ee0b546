package dev.slipway.fleet;

import static dev.slipway.dsl.Slipway.family;
import static dev.slipway.dsl.Slipway.fleet;
import static dev.slipway.dsl.Slipway.service;
import static dev.slipway.machines.MachineProfiles.MAINPC;
import static dev.slipway.machines.MachineProfiles.PC2;

import dev.slipway.dsl.Base;
import dev.slipway.dsl.Family;
import dev.slipway.dsl.FleetDefinitionSource;
import dev.slipway.dsl.FleetSpec;
import dev.slipway.dsl.Rollout;
import dev.slipway.dsl.Service;
import dev.slipway.model.DataSize;
import java.util.List;

/**
 * The AI system's fleet (SPEC.md): the nine image families and the seven services whose rows are known.
 * Edit this file and run {@code java -jar runner/target/runner.jar validate --fleet <this file>}.
 */
public final class FleetDefinition implements FleetDefinitionSource {

    // Bases Slipway does not build are pinned by digest; a tag could move under us.
    public static final Family BASE_PYTHON = family("base-python")
            .from(Base.image("docker.io/library/python:3.11-slim-bookworm"
                    + "@sha256:a36c24f9cbdf4fd0f52d67f0823eeac19c2028c637cecc392d97f980d4fec56b"))
            .env("PYTHONUNBUFFERED", "1")
            .env("PYTHONDONTWRITEBYTECODE", "1");
    public static final Family BASE_UTILS = family("base-utils").parent(BASE_PYTHON)
            .env("TZ", "Etc/UTC");
    public static final Family BASE_CPU_PYDEPS = family("base-cpu-pydeps").parent(BASE_UTILS);
    public static final Family FAMILY_WEB = family("family-web").parent(BASE_CPU_PYDEPS);
    // SPEC's tree puts the CUDA runtime under base-utils (one OS for the fleet), not on Ubuntu's upstream image.
    public static final Family BASE_GPU_CU121 = family("base-gpu-cu121").parent(BASE_UTILS)
            .cuda("8.6", "8.9")
            .env("CUDA_VERSION", "12.1.1")
            .env("NVIDIA_VISIBLE_DEVICES", "all")
            .env("NVIDIA_DRIVER_CAPABILITIES", "compute,utility")
            .gpus(); // every GPU of the machine (ids from its profile); CUDA services are useless without one
    // DataLoader workers share tensors through /dev/shm (Docker gives 64 MiB); pinned memory wants memlock unlimited.
    public static final Family TORCH_CU121 = family("family-torch-cu121").parent(BASE_GPU_CU121)
            .shmSize(DataSize.ofGiB(2))
            .ulimit("memlock", -1, -1)
            .ulimit("stack", 67108864, 67108864);
    // vLLM's worker processes exchange activations through /dev/shm.
    public static final Family LLM_CU121 = family("family-llm-cu121").parent(TORCH_CU121)
            .shmSize(DataSize.ofGiB(8));
    public static final Family VISION_CU121 = family("family-vision-cu121").parent(BASE_GPU_CU121);
    // For exceptional cases only.
    public static final Family LEGACY_PY310_CPU = family("legacy-py310-cpu")
            .from(Base.image("docker.io/library/python:3.10-slim-bookworm"
                    + "@sha256:68d914ec641a0b69267ce65184d000a2bc3a9ee2590ab702b82250ab2385735a"))
            .env("PYTHONUNBUFFERED", "1");

    /** Where Hugging Face downloads land: a volume per machine, shared by its services, kept across cutovers. */
    static final String HF_CACHE = "/home/appuser/.cache/huggingface";

    /**
     * The known services. GPU services get their machine's GPU from their family; model caches are volumes; the
     * services that report to central_error_bus or the observability center start after them (on the same rollout
     * wave or an earlier one; canary instances on mainpc do not wait for pc2, whose running instances serve them).
     */
    static List<Service> services() {
        // Not stated: CPU service, pc2 on family-web.
        Service centralErrorBus = service("central_error_bus").family(FAMILY_WEB).ports(7150, 8150).on(PC2)
                .app("services/central_error_bus")
                .command("python3", "-m", "central_error_bus");
        // Family and machine not stated in the plan: CPU services were planned for pc2 on family-web.
        Service observability = service("unified_observability_center").family(FAMILY_WEB).ports(9100, 9110).on(PC2)
                .app("services/unified_observability_center")
                .command("python3", "-m", "unified_observability_center")
                .dependsOn(centralErrorBus);
        return List.of(
                service("model_ops_coordinator").family(LLM_CU121).ports(7212, 8212).on(MAINPC)
                        .app("services/model_ops_coordinator")
                        .command("python3", "-m", "model_ops_coordinator")
                        .secret("HF_TOKEN")
                        .volume("ai_system-hf-cache", HF_CACHE)
                        .volume("ai_system-models", "/home/appuser/models")
                        .dependsOn(centralErrorBus, observability),
                service("affective_processing_center").family(TORCH_CU121).ports(5560, 6560).on(MAINPC)
                        .app("services/affective_processing_center")
                        .command("python3", "-m", "affective_processing_center")
                        .volume("ai_system-hf-cache", HF_CACHE)
                        .dependsOn(centralErrorBus),
                service("real_time_audio_pipeline").family(TORCH_CU121).ports(5557, 6557).on(MAINPC, PC2)
                        .app("services/real_time_audio_pipeline")
                        .command("python3", "-m", "real_time_audio_pipeline")
                        .volume("ai_system-hf-cache", HF_CACHE)
                        .dependsOn(centralErrorBus),
                observability,
                // Not stated: CPU service, pc2 on family-web.
                service("self_healing_supervisor").family(FAMILY_WEB).ports(7009, 9008).on(PC2)
                        .app("services/self_healing_supervisor")
                        .command("python3", "-m", "self_healing_supervisor")
                        .dependsOn(centralErrorBus, observability),
                centralErrorBus,
                // Not stated: CPU service, pc2 on family-web.
                service("memory_fusion_hub").family(FAMILY_WEB).ports(5713, 6713).on(PC2)
                        .app("services/memory_fusion_hub")
                        .command("python3", "-m", "memory_fusion_hub")
                        .dependsOn(centralErrorBus));
    }

    @Override
    public FleetSpec define() {
        return fleet("ai_system")
                .registry("ghcr.io/haymayndzultra")
                .machines(MAINPC, PC2)
                .families(BASE_PYTHON, BASE_UTILS, BASE_CPU_PYDEPS, FAMILY_WEB, BASE_GPU_CU121, TORCH_CU121,
                        LLM_CU121, VISION_CU121, LEGACY_PY310_CPU)
                .services(services())
                .rollout(Rollout.canaryOn(MAINPC).batchesOf(5));
    }
}
