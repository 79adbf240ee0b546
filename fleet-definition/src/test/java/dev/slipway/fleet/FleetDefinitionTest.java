package dev.slipway.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.testing.FleetAssertions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import dev.slipway.validation.Fleet;
import org.junit.jupiter.api.Test;

/** The fleet's own invariants, asserted the way any Slipway user would assert theirs. */
class FleetDefinitionTest {
    private final FleetDefinition definition = new FleetDefinition();

    @Test
    void theFleetIsValid() {
        FleetAssertions.assertThat(definition).isValid().hasUniquePortsPerMachine()
                .everyServiceRunsAsAppuserUnderTini();
    }

    @Test
    void everyKnownServiceHasThePlannedPortsFamilyAndMachines() {
        FleetAssertions.assertThat(definition)
                .service("model_ops_coordinator").hasPorts(7212, 8212).inFamily("family-llm-cu121").runsOn("mainpc")
                .and()
                .service("affective_processing_center").hasPorts(5560, 6560).inFamily("family-torch-cu121")
                .runsOn("mainpc").and()
                .service("real_time_audio_pipeline").hasPorts(5557, 6557).inFamily("family-torch-cu121")
                .runsOn("mainpc", "pc2").and()
                .service("unified_observability_center").hasPorts(9100, 9110).inFamily("family-web").runsOn("pc2").and()
                .service("self_healing_supervisor").hasPorts(7009, 9008).inFamily("family-web").runsOn("pc2").and()
                .service("central_error_bus").hasPorts(7150, 8150).inFamily("family-web").runsOn("pc2").and()
                .service("memory_fusion_hub").hasPorts(5713, 6713).inFamily("family-web").runsOn("pc2");
    }

    @Test
    void allNineFamiliesOfTheHierarchyAreDeclared() {
        Fleet fleet = Fleet.compile(definition.define()).orThrow();
        assertEquals(9, fleet.families().size());
        assertEquals("ghcr.io/haymayndzultra", fleet.registry());
    }

    @Test
    void gpuServicesGetTheirGpuSharedMemoryCachesAndSecretsAndStartAfterTheErrorBus() {
        Fleet fleet = Fleet.compile(definition.define()).orThrow();
        var coordinator = fleet.service("model_ops_coordinator").orElseThrow().effectiveRuntime();
        var audio = fleet.service("real_time_audio_pipeline").orElseThrow().effectiveRuntime();
        var bus = fleet.service("central_error_bus").orElseThrow().effectiveRuntime();

        assertEquals(dev.slipway.model.GpuRequest.ALL, coordinator.gpus().orElseThrow());
        assertEquals(dev.slipway.model.DataSize.ofGiB(8), coordinator.shmSize().orElseThrow());
        assertEquals(dev.slipway.model.DataSize.ofGiB(2), audio.shmSize().orElseThrow());
        assertEquals(java.util.List.of(new dev.slipway.model.SecretUse("HF_TOKEN",
                dev.slipway.model.SecretUse.Delivery.FILE)), coordinator.secrets());
        assertEquals(java.util.List.of("central_error_bus"), audio.dependsOn());
        assertEquals(true, bus.gpus().isEmpty() && bus.shmSize().isEmpty());
    }

    @Test
    void theDriftedPortsOfThePastWouldBeRefused() {
        // SPEC: real_time_audio_pipeline once exposed 6552/6553/5802/8080; a clash with a neighbour must not pass.
        var drifted = definition.define().services(dev.slipway.dsl.Slipway.service("drifted")
                .family(FleetDefinition.FAMILY_WEB).ports(5557, 8080).on(dev.slipway.machines.MachineProfiles.MAINPC));
        FleetAssertions.assertThat(drifted).isRejectedWith("drifted", "5557", "mainpc", "real_time_audio_pipeline");
    }

    @Test
    void everyFamilyDeclaresWhatSpecSaysItHoldsAndTheCommittedLocksHaveIt() throws IOException {
        Map<String, List<String>> debian = Map.of(
                "base-python", List.of("python3", "tini", "ca-certificates"),
                "base-utils", List.of("curl", "dumb-init", "gosu", "tzdata"),
                "base-cpu-pydeps", List.of("python3-numpy", "python3-pydantic", "python3-fastapi",
                        "python3-uvicorn"),
                "family-web", List.of("python3-starlette", "python3-websockets", "gunicorn"));
        Fleet fleet = Fleet.compile(definition.define()).orThrow();
        for (var family : fleet.families()) {
            List<String> expected = debian.get(family.name());
            if (expected != null) {
                assertEquals(expected, family.debian().orElseThrow().names(), family.name());
                String lock = Files.readString(Path.of("locks", family.name() + ".debian.lock"));
                assertTrue(lock.contains("family " + family.name() + "\n"), family.name());
            }
        }
        // every requested package is locked by the family or its lineage
        StringBuilder all = new StringBuilder();
        for (String name : debian.keySet()) {
            all.append(Files.readString(Path.of("locks", name + ".debian.lock")));
        }
        for (List<String> names : debian.values()) {
            for (String name : names) {
                assertTrue(all.indexOf("\npackage " + name + " ") >= 0, name);
            }
        }
        // GPU families are wheels, from pinned lists committed beside the locks `lock` will write
        Map<String, List<String>> wheels = Map.of(
                "base-gpu-cu121", List.of("nvidia-cuda-runtime-cu12==12.1.105", "nvidia-cudnn-cu12=="),
                "family-torch-cu121", List.of("torch==2.2.2+cu121", "torchvision==0.17.2+cu121",
                        "torchaudio==2.2.2+cu121"),
                "family-llm-cu121", List.of("vllm==", "llama-cpp-python==", "accelerate=="),
                "family-vision-cu121", List.of("opencv-python-headless==", "onnxruntime-gpu=="));
        for (var entry : wheels.entrySet()) {
            var family = fleet.family(entry.getKey()).orElseThrow();
            assertEquals(Optional.of("locks/" + entry.getKey() + ".requirements.lock"), family.wheelLock());
            String pinned = Files.readString(Path.of("locks",
                    entry.getKey() + ".requirements.txt"));
            for (String pin : entry.getValue()) {
                assertTrue(pinned.contains("\n" + pin), entry.getKey() + ": " + pin);
            }
        }
        assertTrue(fleet.family("legacy-py310-cpu").orElseThrow().rootBase().toString()
                .contains("python:3.10-slim-bookworm@sha256:"));
    }
}
