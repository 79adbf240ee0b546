package dev.slipway.validation;

import static dev.slipway.dsl.Slipway.family;
import static dev.slipway.dsl.Slipway.fleet;
import static dev.slipway.dsl.Slipway.machine;
import static dev.slipway.dsl.Slipway.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.dsl.Base;
import dev.slipway.dsl.Family;
import dev.slipway.dsl.FleetSpec;
import dev.slipway.dsl.MachineProfile;
import dev.slipway.dsl.Rollout;
import dev.slipway.dsl.RuntimeSettings;
import dev.slipway.dsl.Service;
import dev.slipway.model.DataSize;
import dev.slipway.model.GpuRequest;
import dev.slipway.model.LogRotation;
import dev.slipway.model.Ulimit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GPUs, limits, mounts, secrets and start order: every bad value refused at once, naming service, field, expected. */
class RuntimeRulesTest {
    static final MachineProfile GPU_BOX = machine("gpubox").gpu("RTX 4090", DataSize.ofGiB(24), "8.9")
            .gpuVisibleDevices("0");
    static final MachineProfile CPU_BOX = machine("cpubox");
    static final Family ROOT = family("root").from(Base.scratch());
    static final Family TORCH = family("torch").parent(ROOT).cuda("8.9").gpus().shmSize(DataSize.ofGiB(2))
            .ulimit("memlock", -1, -1);

    static FleetSpec fleetOf(Service... services) {
        return fleet("test").registry("127.0.0.1:5000/org").machines(GPU_BOX, CPU_BOX).services(services)
                .rollout(Rollout.canaryOn(GPU_BOX));
    }

    static List<String> problems(FleetSpec spec) {
        return Fleet.compile(spec).problems().stream().map(Problem::toString).toList();
    }

    @Test
    void aServiceInheritsItsFamilysDefaultsAndOverridesThem() {
        Service trainer = service("trainer").family(family("llm").parent(TORCH)).ports(5000, 6000).on(GPU_BOX)
                .shmSize(DataSize.ofGiB(8)).ulimit("nofile", 4096, 8192);

        RuntimeSettings effective = trainer.effectiveRuntime();

        assertEquals(List.of(), problems(fleetOf(trainer)));
        assertEquals(GpuRequest.ALL, effective.gpus().orElseThrow());
        assertEquals(DataSize.ofGiB(8), effective.shmSize().orElseThrow());
        assertEquals(List.of(new Ulimit("memlock", -1, -1), new Ulimit("nofile", 4096, 8192)), effective.ulimits());
        assertTrue(effective.logs().isEmpty(), "no rotation declared: the plan uses " + LogRotation.DEFAULT);
    }

    @Test
    void everyBadRuntimeValueIsReportedAtOnce() {
        Service a = service("a").family(ROOT).ports(5000, 6000).on(CPU_BOX).gpus()
                .volume("cache", "relative/cache").readOnlyBind("models", "/models").memory(DataSize.ofMiB(1))
                .cpus(0).ulimit("files", 1, 2).dependsOn(service("ghost").family(ROOT).ports(1, 2));
        Service b = service("b").family(ROOT).ports(5001, 6001).on(GPU_BOX).gpus("1").secret("HF_TOKEN")
                .volume("x", "/run/secrets").logs(DataSize.ofMiB(1), 0);
        Service c0 = service("c").family(ROOT).ports(5002, 6002).on(GPU_BOX);
        Service d = service("d").family(ROOT).ports(5003, 6003).on(GPU_BOX).dependsOn(c0);
        Service c = c0.dependsOn(d);
        Service e = service("e").family(ROOT).ports(5004, 6004).on(GPU_BOX).env("HF_TOKEN", "hf_abc")
                .secret("HF_TOKEN").secret("HF_TOKEN");

        List<String> problems = problems(fleetOf(a, b, c, d, e));

        assertEquals(List.of(
                "service 'a' cpus: 0.0; expected a number of CPUs above zero, e.g. 2.5",
                "service 'a' dependsOn: 'ghost' is not a service of fleet test; expected a declared service",
                "service 'a' gpus: asks for GPUs (all) but cpubox has no GPU; expected a machine with a GPU or no "
                        + "GPU request",
                "service 'a' memory: 1048576 bytes is below Docker's minimum; expected at least 6 MiB",
                "service 'a' mounts: container path 'relative/cache' of volume cache -> relative/cache; expected an "
                        + "absolute path such as /home/appuser/.cache/huggingface",
                "service 'a' mounts: host path 'models'; expected an absolute path on the machine, such as /srv/models",
                "service 'a' ulimit: 'files' is not a ulimit; expected one of core, cpu, data, fsize, locks, memlock, "
                        + "msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending, stack",
                "service 'b' gpus: device '1' is not a GPU of gpubox; expected one of its GPU_VISIBLE_DEVICES [0]",
                "service 'b' logs: 0 files; expected at least 1",
                "service 'b' mounts: /run/secrets is where Slipway puts secrets; expected another container path",
                "service 'c' dependsOn: dependency cycle c -> d -> c; expected services to depend on each other "
                        + "without a cycle",
                "service 'e' env: HF_TOKEN is named like a credential; its value is refused (not shown). Credentials "
                        + "come from the deploy environment, never from the definition",
                "service 'e' secrets: HF_TOKEN is also set in env; expected it only as a secret, its value from the "
                        + "deploy environment",
                "service 'e' secrets: HF_TOKEN is declared twice; expected once"), problems);
    }

    @Test
    void aCudaServiceWithoutAGpuRequestIsANoteNotARefusal() {
        Family cudaOnly = family("cuda-only").parent(ROOT).cuda("8.9");
        Fleet fleet = Fleet.compile(fleetOf(service("bare").family(cudaOnly).ports(5000, 6000).on(GPU_BOX),
                service("ok").family(TORCH).ports(5001, 6001).on(GPU_BOX),
                service("odd").family(ROOT).ports(5002, 6002).on(GPU_BOX).gpus())).orThrow();

        assertEquals(List.of("service 'bare' gpus: family cuda-only needs CUDA but the service asks for no GPU, so its "
                + "container gets none; add .gpus() to the service or its family",
                "service 'odd' gpus: asks for GPUs but family root declares no CUDA architectures (.cuda(...))"),
                FleetNotes.of(fleet));
    }

    @Test
    void aFamilyDefaultOutOfRangeIsTheFamilysProblem() {
        Family tiny = family("tiny").parent(ROOT).shmSize(new DataSize(0));

        assertEquals(List.of("family 'tiny' shmSize: 0 bytes; expected a size above zero, e.g. 2 GiB"),
                problems(fleetOf(service("s").family(tiny).ports(5000, 6000).on(GPU_BOX))));
    }
}
