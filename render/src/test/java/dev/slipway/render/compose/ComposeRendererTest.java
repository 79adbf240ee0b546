package dev.slipway.render.compose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static dev.slipway.dsl.Slipway.family;
import static dev.slipway.dsl.Slipway.fleet;
import static dev.slipway.dsl.Slipway.machine;
import static dev.slipway.dsl.Slipway.service;

import dev.slipway.dsl.Base;
import dev.slipway.dsl.Family;
import dev.slipway.dsl.MachineProfile;
import dev.slipway.dsl.Rollout;
import dev.slipway.model.DataSize;
import dev.slipway.plan.FleetPlan;
import dev.slipway.plan.FleetPlanner;
import dev.slipway.render.ImageDigests;
import dev.slipway.render.RenderRefused;
import dev.slipway.render.Rendering;
import dev.slipway.render.TestPlans;
import dev.slipway.render.Yaml;
import dev.slipway.validation.Fleet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComposeRendererTest {
    static final String DIGEST = "sha256:" + "ef".repeat(32);
    static final String HUB = "ghcr.io/haymayndzultra/ai_system/memory_fusion_hub";

    @Test
    void oneMachinesServicesByNameWithHostNetworkUserRestartAndThePlansHealthCheck() {
        Rendering rendering = ComposeRenderer.render(TestPlans.aiSystem(), "pc2",
                new ImageDigests(Map.of(HUB + ":20261201-0123456-pc2", DIGEST)), "pc2.yaml");
        ComposeFile file = Yaml.mapper().readValue(rendering.file("pc2.yaml").content(), ComposeFile.class);

        assertEquals("3.8", file.version());
        assertEquals(List.of("memory_fusion_hub", "real_time_audio_pipeline"), List.copyOf(file.services().keySet()));
        ComposeFile.Service hub = file.services().get("memory_fusion_hub");
        assertEquals(HUB + "@" + DIGEST, hub.image());
        assertEquals("10001:10001", hub.user());
        assertEquals("host", hub.networkMode());
        assertEquals("unless-stopped", hub.restart());
        assertEquals(List.of("no-new-privileges:true"), hub.securityOpt());
        assertEquals("30s", hub.healthcheck().interval());
        assertEquals("10s", hub.healthcheck().timeout());
        assertEquals("20s", hub.healthcheck().startPeriod());
        assertEquals(3, hub.healthcheck().retries());
        assertEquals("CMD", hub.healthcheck().test().get(0));
        assertTrue(String.join(" ", hub.healthcheck().test()).contains("127.0.0.1:6713/ready"),
                hub.healthcheck().test().toString());
        assertEquals("pc2", hub.labels().get("dev.slipway.machine"));
        assertEquals("compose", hub.labels().get("dev.slipway.rendered-by"));

        assertEquals(List.of("instance real_time_audio_pipeline@pc2: no digest for ghcr.io/haymayndzultra/ai_system/"
                + "real_time_audio_pipeline:20261201-0123456-pc2, pinned by tag only (pass --images images.json or "
                + "--digest IMAGE=sha256:...)"), rendering.warnings());
        assertTrue(rendering.file("pc2.yaml").text().contains("    start_period: 20s\n"),
                rendering.file("pc2.yaml").text());
        assertArrayEquals(rendering.file("pc2.yaml").content(), ComposeRenderer.render(TestPlans.aiSystem(), "pc2",
                new ImageDigests(Map.of(HUB + ":20261201-0123456-pc2", DIGEST)), "pc2.yaml").file("pc2.yaml")
                .content());
    }

    @Test
    void aMachineWithoutServicesIsRefusedNamingTheOnesThatHave() {
        RenderRefused refused = assertThrows(RenderRefused.class,
                () -> ComposeRenderer.render(TestPlans.aiSystem(), "pc3", ImageDigests.NONE, "x.yaml"));
        assertEquals(List.of("--machine: 'pc3' runs no service of fleet ai_system; machines with services: mainpc, "
                + "pc2"), refused.problems());
    }

    private static ComposeFile parse(Rendering rendering, String name) {
        return Yaml.mapper().readValue(rendering.file(name).content(), ComposeFile.class);
    }

    @Test
    void everyRuntimeSettingOfAMachineIsInItsComposeFileAsTheDockerHostsSetIt() {
        Rendering rendering = ComposeRenderer.render(TestPlans.everySetting(), "mainpc", ImageDigests.NONE,
                "mainpc.yaml");
        ComposeFile file = parse(rendering, "mainpc.yaml");
        ComposeFile.Service coordinator = file.services().get("model_ops_coordinator");

        ComposeFile.Device gpu = coordinator.deploy().resources().reservations().devices().get(0);
        assertEquals("nvidia", gpu.driver());
        assertEquals(List.of("0"), gpu.deviceIds(), "mainpc's GPU_VISIBLE_DEVICES");
        assertEquals(List.of("gpu"), gpu.capabilities());
        assertNull(gpu.count());
        assertEquals("2g", coordinator.shmSize(), "the torch family's");
        assertEquals("16g", coordinator.memLimit());
        assertEquals(4.5, coordinator.cpus());
        assertEquals(Map.of("memlock", new ComposeFile.Ulimit(-1, -1), "stack",
                new ComposeFile.Ulimit(67108864, 67108864)), coordinator.ulimits());
        assertEquals(List.of("ai_system-hf-cache:" + TestPlans.HF_CACHE, "/srv/models:/models:ro"),
                coordinator.volumes());
        assertEquals(new ComposeFile.Logging("json-file", Map.of("max-size", "20m", "max-file", "3")),
                coordinator.logging());
        assertEquals(Map.of("central_error_bus", new ComposeFile.Dependency("service_healthy")),
                coordinator.dependsOn());

        assertEquals(List.of("HF_TOKEN"), coordinator.secrets());
        assertEquals(Map.of("HF_TOKEN", new ComposeFile.Secret(
                "${SLIPWAY_SECRETS_DIR:?set SLIPWAY_SECRETS_DIR to the directory holding one file per secret}"
                        + "/HF_TOKEN")),
                file.secrets());
        assertEquals(Map.of("OPS_API_KEY", "${OPS_API_KEY:?set OPS_API_KEY to the secret's value}"),
                coordinator.environment(), "by name: the value comes from whoever runs docker-compose");
        assertEquals(Map.of("ai_system-hf-cache", new ComposeFile.NamedVolume("ai_system-hf-cache",
                Map.of("dev.slipway.fleet", "ai_system"))), file.volumes(), "apply's own volume on that machine");

        ComposeFile.Service bus = file.services().get("central_error_bus");
        assertEquals(new ComposeFile.Logging("json-file", Map.of("max-size", "10m", "max-file", "5")),
                bus.logging(), "Slipway's default rotation, as on the Docker hosts");
        assertNull(bus.deploy());
        assertNull(bus.shmSize());
        assertTrue(bus.dependsOn() == null || bus.dependsOn().isEmpty());
        assertTrue(bus.environment() == null || bus.environment().isEmpty());
        assertEquals(List.of(), rendering.warnings().stream().filter(w -> !w.contains("no digest")).toList());
    }

    @Test
    void aDependencyOnAnotherMachineIsAWarningAndTwoGpusAreBothDeviceIds() {
        Rendering pc2 = ComposeRenderer.render(TestPlans.everySetting(), "pc2", ImageDigests.NONE, "pc2.yaml");
        ComposeFile.Service affective = parse(pc2, "pc2.yaml").services().get("affective_processing_center");
        assertTrue(affective.dependsOn() == null || affective.dependsOn().isEmpty(), affective.toString());
        assertTrue(pc2.warnings().contains("instance affective_processing_center@pc2: depends on "
                + "model_ops_coordinator, which does not run on pc2; Compose starts it without waiting"),
                pc2.warnings().toString());
        assertTrue(parse(pc2, "pc2.yaml").secrets().isEmpty());

        Rendering gpubox = ComposeRenderer.render(TestPlans.everySetting(), "gpubox", ImageDigests.NONE, "g.yaml");
        assertEquals(List.of("0", "1"), parse(gpubox, "g.yaml").services().get("affective_processing_center")
                .deploy().resources().reservations().devices().get(0).deviceIds());
    }

    @Test
    void everyGpuOfAMachineWhoseProfileListsNoneIsCountAllAsDockerRunGpusAll() {
        MachineProfile bare = machine("bare").gpu("NVIDIA GeForce RTX 4090", DataSize.ofGiB(24), "8.9");
        Family web = family("w").from(Base.scratch());
        var spec = fleet("f").registry("r.example/o").machines(bare).families(web)
                .services(service("llm").family(web).ports(7000, 8000).on(bare).gpus().memory(DataSize.ofMiB(1536))
                        .shmSize(new DataSize(1000)))
                .rollout(Rollout.canaryOn(bare).batchesOf(1));
        FleetPlan plan = FleetPlanner.plan(Fleet.compile(spec).orThrow(), TestPlans.BUILD);
        ComposeFile.Service llm = parse(ComposeRenderer.render(plan, "bare", ImageDigests.NONE, "b.yaml"), "b.yaml")
                .services().get("llm");
        ComposeFile.Device gpu = llm.deploy().resources().reservations().devices().get(0);
        assertEquals("all", gpu.count());
        assertTrue(gpu.deviceIds() == null || gpu.deviceIds().isEmpty());
        assertEquals("1536m", llm.memLimit());
        assertEquals("1000", llm.shmSize(), "bytes when no unit divides it");
    }

    @Test
    void aFleetUsingEveryRuntimeSettingRendersTheSameBytesTwiceAndNoValueOfASecret() {
        for (String machine : List.of("mainpc", "pc2", "gpubox")) {
            byte[] first = ComposeRenderer.render(TestPlans.everySetting(), machine, ImageDigests.NONE, "x.yaml")
                    .file("x.yaml").content();
            assertArrayEquals(first, ComposeRenderer.render(TestPlans.everySetting(), machine, ImageDigests.NONE,
                    "x.yaml").file("x.yaml").content(), machine);
            String text = new String(first, java.nio.charset.StandardCharsets.UTF_8);
            assertFalse(text.contains("null"), text);
            assertFalse(text.contains("[]"), text);
            assertFalse(text.contains("{}"), text);
        }
    }
}
