package dev.slipway.fleet;

import static dev.slipway.dsl.DebianSuite.BOOKWORM;
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

    // SPEC's CPU tree from Debian bookworm's own packages (Python 3.11), locked in locks/<family>.debian.lock:
    // fleet-definition/make-debian-repo.sh, then `lock --fleet dev.slipway.fleet.FleetDefinition --dir fleet-definition`.
    public static final Family BASE_PYTHON = family("base-python").from(Base.scratch())
            .debian(BOOKWORM, "python3", "tini", "ca-certificates")
            .env("LANG", "C.UTF-8")
            .env("PYTHONUNBUFFERED", "1")
            .env("PYTHONDONTWRITEBYTECODE", "1");
    public static final Family BASE_UTILS = family("base-utils").parent(BASE_PYTHON)
            .debian(BOOKWORM, "curl", "dumb-init", "gosu", "tzdata")
            .env("TZ", "Etc/UTC");
    public static final Family BASE_CPU_PYDEPS = family("base-cpu-pydeps").parent(BASE_UTILS)
            .debian(BOOKWORM, "python3-numpy", "python3-pydantic", "python3-fastapi", "python3-uvicorn")
            // libblas3/liblapack3 reach the loader's path only through update-alternatives links, which no
            // maintainer script makes here: point the loader at the reference BLAS and LAPACK numpy needs
            .env("LD_LIBRARY_PATH", "/usr/lib/x86_64-linux-gnu/blas:/usr/lib/x86_64-linux-gnu/lapack");
    // Debian's python3-fastapi depends on python3-starlette, so starlette's files come with base-cpu-pydeps' lock.
    public static final Family FAMILY_WEB = family("family-web").parent(BASE_CPU_PYDEPS)
            .debian(BOOKWORM, "python3-starlette", "python3-websockets", "gunicorn");

    // GPU families are hash-locked wheels (CUDA 12.1 comes from the nvidia-*-cu12 runtime wheels torch requires).
    // No wheel index was reachable where this fleet was written, so their hash locks are not committed: make them
    // with `lock` on a machine that reaches the indexes the pinned lists locks/<family>.requirements.txt name
    // (their --index-url and --extra-index-url lines); until then `build` refuses these families in one line.
    public static final Family BASE_GPU_CU121 = family("base-gpu-cu121").parent(BASE_UTILS)
            .wheels("locks/base-gpu-cu121.requirements.lock")
            .cuda("8.6", "8.9")
            .env("CUDA_VERSION", "12.1.1")
            .env("NVIDIA_VISIBLE_DEVICES", "all")
            .env("NVIDIA_DRIVER_CAPABILITIES", "compute,utility")
            .gpus(); // every GPU of the machine (ids from its profile); CUDA services are useless without one
    // DataLoader workers share tensors through /dev/shm (Docker gives 64 MiB); pinned memory wants memlock unlimited.
    public static final Family TORCH_CU121 = family("family-torch-cu121").parent(BASE_GPU_CU121)
            .wheels("locks/family-torch-cu121.requirements.lock")
            .shmSize(DataSize.ofGiB(2))
            .ulimit("memlock", -1, -1)
            .ulimit("stack", 67108864, 67108864);
    // vLLM's worker processes exchange activations through /dev/shm.
    public static final Family LLM_CU121 = family("family-llm-cu121").parent(TORCH_CU121)
            .wheels("locks/family-llm-cu121.requirements.lock")
            .shmSize(DataSize.ofGiB(8));
    public static final Family VISION_CU121 = family("family-vision-cu121").parent(BASE_GPU_CU121)
            .wheels("locks/family-vision-cu121.requirements.lock");
    // For exceptional cases only; bookworm has no Python 3.10, so this one stays on a registry base, pinned by digest.
    // That image has no /usr/bin/tini and no appuser, so `build` refuses this family (naming it) until it copies a
    // static tini there: .files("bin/tini-static", "/usr/bin/tini"), the file from Debian's tini package. No service
    // uses it yet, so neither the copy nor the binary is here; the first service on this family brings both.
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
