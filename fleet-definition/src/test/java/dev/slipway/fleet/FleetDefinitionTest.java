package dev.slipway.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.slipway.testing.FleetAssertions;
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
                .service("model_ops_coordinator").hasPorts(7212, 8212).inFamily("family-llm-cu121").runsOn("mainpc").and()
                .service("affective_processing_center").hasPorts(5560, 6560).inFamily("family-torch-cu121").runsOn("mainpc").and()
                .service("real_time_audio_pipeline").hasPorts(5557, 6557).inFamily("family-torch-cu121").runsOn("mainpc", "pc2").and()
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
}
