package dev.slipway.plan;

import static dev.slipway.dsl.Slipway.family;
import static dev.slipway.dsl.Slipway.fleet;
import static dev.slipway.dsl.Slipway.machine;
import static dev.slipway.dsl.Slipway.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.dsl.Base;
import dev.slipway.dsl.DebianSuite;
import dev.slipway.dsl.Family;
import dev.slipway.dsl.HealthProbe;
import dev.slipway.dsl.MachineProfile;
import dev.slipway.dsl.Rollout;
import dev.slipway.model.DataSize;
import dev.slipway.model.HealthCheck;
import dev.slipway.model.Port;
import dev.slipway.model.User;
import dev.slipway.validation.Fleet;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PlannerTest {
    static final MachineProfile MAINPC = machine("mainpc").gpu("RTX 4090", DataSize.ofGiB(24), "8.9")
            .ompNumThreads(16).uvicornWorkers(8).uvicornWorkersGpu(4).torchCudaAllocConf("max_split_size_mb:64")
            .gpuVisibleDevices("0");
    static final MachineProfile PC2 = machine("pc2").gpu("RTX 3060", DataSize.ofGiB(12), "8.6").ompNumThreads(4)
            .modelEvictThresholdPct(70);
    static final Family ROOT = family("base-python").from(Base.scratch()).env("PYTHONUNBUFFERED", "1");
    static final Family TORCH = family("family-torch-cu121").parent(ROOT).cuda("8.6", "8.9").env("CUDA", "12.1");
    static final BuildIdentity BUILD = BuildIdentity.of(LocalDate.of(2026, 11, 23), "0123456789abcdef");

    static Fleet fleetWith(int batchSize, int pc2Services) {
        var spec = fleet("ai_system").registry("ghcr.io/org").machines(MAINPC, PC2)
                .services(service("affective_processing_center").family(TORCH).ports(5560, 6560).on(MAINPC)
                        .app("services/apc").command("python3", "-m", "apc").env("LOG_LEVEL", "info"))
                .services(service("real_time_audio_pipeline").family(TORCH).ports(5557, 6557).on(MAINPC, PC2))
                .rollout(Rollout.canaryOn(MAINPC).batchesOf(batchSize));
        for (int i = 0; i < pc2Services; i++) {
            spec = spec.services(service("cpu_" + i).family(ROOT).ports(7000 + i, 8000 + i).on(PC2));
        }
        return Fleet.compile(spec).orThrow();
    }

    @Test
    void tagIsCommitDateAndShortSha() {
        assertEquals("20261123-0123456", BUILD.tag());
    }

    @Test
    void familiesComeParentsFirstThenOneImagePerServiceAndMachine() {
        List<String> images = ImagePlanner.plan(fleetWith(5, 0), BUILD).stream().map(i -> i.image().text()).toList();
        assertEquals(List.of(
                "ghcr.io/org/base-python:20261123-0123456",
                "ghcr.io/org/family-torch-cu121:20261123-0123456",
                "ghcr.io/org/ai_system/affective_processing_center:20261123-0123456-mainpc",
                "ghcr.io/org/ai_system/real_time_audio_pipeline:20261123-0123456-mainpc",
                "ghcr.io/org/ai_system/real_time_audio_pipeline:20261123-0123456-pc2"), images);
    }

    @Test
    void aServiceImageFollowsEverySpecRule() {
        ImagePlan plan = ImagePlanner.plan(fleetWith(5, 0), BUILD).get(2);
        assertEquals("ghcr.io/org/family-torch-cu121:20261123-0123456", plan.base());
        assertEquals("10001:10001", plan.user());
        assertEquals(List.of("/usr/bin/tini", "--"), plan.entrypoint());
        assertEquals(List.of("python3", "-m", "apc"), plan.cmd());
        assertEquals(List.of(Port.of(5560), Port.of(6560)), plan.exposedPorts());
        assertEquals(List.of("machine-profile", "application"), plan.layers().stream().map(LayerPlan::kind).toList());
        assertEquals("/etc/machine-profile.json", plan.layers().get(0).destination());
        assertEquals("16", plan.env().get("OMP_NUM_THREADS"));
        assertEquals("8.9", plan.env().get("TORCH_CUDA_ARCH_LIST"));
        assertEquals("4", plan.env().get("UVICORN_WORKERS_GPU"));
        assertEquals("12.1", plan.env().get("CUDA"), "family env is inherited");
        assertEquals("1", plan.env().get("PYTHONUNBUFFERED"), "grandparent env is inherited");
        assertEquals("info", plan.env().get("LOG_LEVEL"));
        assertEquals("6560", plan.labels().get("health_check_port"));
        assertEquals("0123456789abcdef", plan.labels().get("org.opencontainers.image.revision"));
        assertEquals("mainpc", plan.labels().get("dev.slipway.machine"));
        assertEquals("mainpc", plan.machineProfile().get("machine"));
        assertEquals("24576", plan.machineProfile().get("gpu_memory_mib"));
        HealthCheckPlan health = plan.healthCheck().orElseThrow();
        assertEquals(Port.of(6560), health.port());
        assertEquals(List.of(30L, 10L, 40L, 3L), List.of(health.intervalSeconds(), health.timeoutSeconds(),
                health.startPeriodSeconds(), (long) health.retries()));
        assertTrue(health.test().get(3).contains("127.0.0.1:6560/health"), health.test()::toString);
    }

    @Test
    void eachMachinesImageCarriesThatMachinesProfile() {
        List<ImagePlan> rtap = ImagePlanner.plan(fleetWith(5, 0), BUILD).stream()
                .filter(p -> p.name().equals("real_time_audio_pipeline")).toList();
        assertEquals("8.9", rtap.get(0).env().get("TORCH_CUDA_ARCH_LIST"));
        assertEquals("8.6", rtap.get(1).env().get("TORCH_CUDA_ARCH_LIST"));
        assertEquals("4", rtap.get(1).env().get("OMP_NUM_THREADS"));
        assertEquals("pc2", rtap.get(1).machineProfile().get("SLIPWAY_MACHINE"));
    }

    @Test
    void canaryWaveIsEveryMainpcInstanceThenBatches() {
        RolloutPlan plan = RolloutPlanner.plan(fleetWith(2, 3), BUILD);
        assertEquals(List.of(Wave.Kind.CANARY, Wave.Kind.BATCH, Wave.Kind.BATCH),
                plan.waves().stream().map(Wave::kind).toList());
        assertEquals(List.of("affective_processing_center@mainpc", "real_time_audio_pipeline@mainpc"),
                plan.waves().get(0).instances().stream().map(i -> i.id().toString()).toList());
        assertEquals(List.of("real_time_audio_pipeline@pc2", "cpu_0@pc2"),
                plan.waves().get(1).instances().stream().map(i -> i.id().toString()).toList());
        assertEquals(List.of("cpu_1@pc2", "cpu_2@pc2"),
                plan.waves().get(2).instances().stream().map(i -> i.id().toString()).toList());
    }

    @Test
    void serviceEnvOverridesPortsWhichOverrideTheMachineWhichOverridesTheFamily() {
        Family noisy = family("noisy").parent(ROOT).env("OMP_NUM_THREADS", "99").env("SERVICE_PORT", "1")
                .env("LOG_LEVEL", "debug");
        var spec = fleet("ai_system").registry("ghcr.io/org").machines(MAINPC)
                .services(service("a").family(noisy).ports(5560, 6560).on(MAINPC).env("LOG_LEVEL", "info")
                        .env("UVICORN_WORKERS", "2"));
        Map<String, String> env = ImagePlanner.plan(Fleet.compile(spec).orThrow(), BUILD).get(2).env();
        assertEquals("16", env.get("OMP_NUM_THREADS"), "machine over family");
        assertEquals("5560", env.get("SERVICE_PORT"), "port over family");
        assertEquals("2", env.get("UVICORN_WORKERS"), "service over machine");
        assertEquals("info", env.get("LOG_LEVEL"), "service over family");
        assertEquals("1", env.get("PYTHONUNBUFFERED"));
        assertEquals(List.copyOf(new TreeMap<>(env).keySet()), List.copyOf(env.keySet()), "env is in key order");
    }

    @Test
    void imagesOnOneMachineShareItsProfileAndNoOtherMachinesValues() {
        List<ImagePlan> plans = ImagePlanner.plan(fleetWith(5, 2), BUILD);
        ImagePlan apcMainpc = plans.get(2);
        ImagePlan rtapMainpc = plans.get(3);
        ImagePlan rtapPc2 = plans.get(4);
        ImagePlan cpuPc2 = plans.get(5);
        assertSame(apcMainpc.machineProfile(), rtapMainpc.machineProfile(), "one profile document per machine");
        assertSame(rtapPc2.machineProfile(), cpuPc2.machineProfile());
        assertEquals(ImagePlanner.profileDocument(PC2), cpuPc2.machineProfile());
        assertEquals(ImagePlanner.profileDocument(MAINPC), apcMainpc.machineProfile());
        assertEquals(List.of("machine-profile"), cpuPc2.layers().stream().map(LayerPlan::kind).toList());
        assertEquals("profile:pc2", cpuPc2.layers().get(0).source());
        assertEquals("/", cpuPc2.workingDirectory(), "no application layer, so no /app");
        assertEquals(Optional.of("pc2"), cpuPc2.machine());
        assertEquals("pc2", cpuPc2.labels().get("dev.slipway.machine"));
        assertEquals("ghcr.io/org/base-python:20261123-0123456", cpuPc2.base());
    }

    @Test
    void servicesProbingTheSamePortWithDifferentProbesKeepTheirOwnHealthCheck() {
        Family busybox = family("busybox").from(Base.scratch()).healthProbe(HealthProbe.BUSYBOX_WGET);
        MachineProfile pc3 = machine("pc3");
        var spec = fleet("ai_system").registry("ghcr.io/org").machines(MAINPC, PC2, pc3)
                .services(service("py").family(ROOT).ports(5560, 6560).on(MAINPC))
                .services(service("sh").family(busybox).ports(5560, 6560).on(PC2))
                .services(service("slow").family(ROOT).ports(5560, 6560).on(pc3)
                        .healthCheck(HealthCheck.SPEC_DEFAULT.withInterval(Duration.ofSeconds(5))));
        Map<String, HealthCheckPlan> checks = ImagePlanner.plan(Fleet.compile(spec).orThrow(), BUILD).stream()
                .filter(p -> p.kind() == ImagePlan.Kind.SERVICE)
                .collect(Collectors.toMap(ImagePlan::name, p -> p.healthCheck().orElseThrow()));
        assertEquals(HealthProbe.PYTHON3.command(6560, "/health"), checks.get("py").test());
        assertEquals(HealthProbe.BUSYBOX_WGET.command(6560, "/health"), checks.get("sh").test());
        assertEquals(30, checks.get("py").intervalSeconds());
        assertEquals(5, checks.get("slow").intervalSeconds());
    }

    @Test
    void everyServiceImageHasItsUsersHomeAndNamesItsHealthPathInItsEnv() {
        MachineProfile pc3 = machine("pc3");
        var spec = fleet("ai_system").registry("ghcr.io/org").machines(MAINPC, pc3)
                .services(service("a").family(ROOT).ports(5560, 6560).on(MAINPC, pc3))
                .services(service("b").family(ROOT).ports(5561, 6561).on(MAINPC)
                        .healthCheck(new HealthCheck("/ready", Duration.ofSeconds(30), Duration.ofSeconds(10),
                                Duration.ofSeconds(40), 3)))
                .services(service("c").family(ROOT).ports(5562, 6562).on(MAINPC)
                        .runAs(new User(10002, 10002, "worker")));
        Map<String, ImagePlan> images = ImagePlanner.plan(Fleet.compile(spec).orThrow(), BUILD).stream()
                .filter(p -> p.kind() == ImagePlan.Kind.SERVICE)
                .collect(Collectors.toMap(p -> p.name() + "@" + p.machine().orElseThrow(), p -> p));
        ImagePlan a = images.get("a@mainpc");
        assertEquals("/home/appuser", a.env().get("HOME"));
        assertEquals("6560", a.env().get("HEALTH_PORT"));
        assertEquals("/health", a.env().get("HEALTH_PATH"));
        assertEquals("/ready", images.get("b@mainpc").env().get("HEALTH_PATH"), "the path its own check GETs");
        LayerPlan.MachineProfile profile = (LayerPlan.MachineProfile) a.layers().get(0);
        assertEquals("/home/appuser", profile.home());
        assertEquals(User.APPUSER, profile.user());
        assertSame(profile, images.get("b@mainpc").layers().get(0), "one profile layer per machine and user");
        assertNotEquals(profile, images.get("a@pc3").layers().get(0));
        assertEquals("/home/worker", images.get("c@mainpc").env().get("HOME"));
        assertEquals("/home/worker", ((LayerPlan.MachineProfile) images.get("c@mainpc").layers().get(0)).home());
    }

    @Test
    void aFamilysHomeWinsOverTheUsersDefault() {
        Family elsewhere = family("elsewhere").parent(ROOT).env("HOME", "/srv/home");
        var spec = fleet("ai_system").registry("ghcr.io/org").machines(MAINPC)
                .services(service("a").family(elsewhere).ports(5560, 6560).on(MAINPC));
        assertEquals("/srv/home", ImagePlanner.plan(Fleet.compile(spec).orThrow(), BUILD).get(2).env().get("HOME"));
    }

    @Test
    void theImageHealthCheckIsTheProbeOfTheNearestFamilyThatInstallsPackagesAtSpecTimings() {
        Family packaged = family("packaged").from(Base.scratch()).debian(DebianSuite.BOOKWORM, "python3", "tini");
        Family child = family("child").parent(packaged).healthProbe(HealthProbe.BUSYBOX_WGET);
        Family plain = family("plain").from(Base.scratch()).healthProbe(HealthProbe.BUSYBOX_WGET);
        var spec = fleet("ai_system").registry("ghcr.io/org").machines(MAINPC)
                .services(service("a").family(child).ports(5560, 6560).on(MAINPC)
                        .healthCheck(HealthCheck.SPEC_DEFAULT.withInterval(Duration.ofSeconds(5))))
                .services(service("b").family(plain).ports(5561, 6561).on(MAINPC));
        Map<String, ImagePlan> images = ImagePlanner.plan(Fleet.compile(spec).orThrow(), BUILD).stream()
                .collect(Collectors.toMap(ImagePlan::name, p -> p));
        ImageHealthCheck check = images.get("packaged").imageHealthCheck().orElseThrow();
        assertEquals(HealthProbe.PYTHON3.commandFromEnvironment(), check.test());
        assertTrue(check.test().get(3).contains("os.environ['HEALTH_PORT']+os.environ['HEALTH_PATH']"),
                check.test()::toString);
        assertEquals(List.of(30L, 10L, 40L, 3L), List.of(check.intervalSeconds(), check.timeoutSeconds(),
                check.startPeriodSeconds(), (long) check.retries()));
        // Jib carries the packaged family's check over to what is built on it, whatever their own probe
        assertEquals(Optional.of(check), images.get("child").imageHealthCheck());
        assertEquals(Optional.of(check), images.get("a").imageHealthCheck(), "the image's check keeps SPEC timings");
        assertEquals(5, images.get("a").healthCheck().orElseThrow().intervalSeconds(), "the container's its own");
        assertEquals(Optional.empty(), images.get("plain").imageHealthCheck(), "no base Slipway writes");
        assertEquals(Optional.empty(), images.get("b").imageHealthCheck());
    }
}
