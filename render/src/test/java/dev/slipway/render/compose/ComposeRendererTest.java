package dev.slipway.render.compose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.render.ImageDigests;
import dev.slipway.render.RenderRefused;
import dev.slipway.render.Rendering;
import dev.slipway.render.TestPlans;
import dev.slipway.render.Yaml;
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
}
