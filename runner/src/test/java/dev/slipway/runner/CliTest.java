package dev.slipway.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as a user meets it: exit codes, what is printed, and never a stack trace. */
class CliTest {
    static final Path SEED_DEFINITION = Path
            .of("../fleet-definition/src/main/java/dev/slipway/fleet/FleetDefinition.java");

    @Test
    void validateSummarisesTheDefaultFleet() {
        CliRun run = CliRun.of("validate");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("fleet ai_system is valid: 7 services, 9 families, 2 machines\n", run.out());
    }

    @Test
    void anEditedDefinitionFileIsCompiledAndItsPortClashReported(@TempDir Path dir) throws IOException {
        Path edited = dir.resolve("FleetDefinition.java");
        Files.writeString(edited, Files.readString(SEED_DEFINITION).replace("ports(5560, 6560)", "ports(5557, 6560)"));
        CliRun run = CliRun.of("validate", "--fleet", edited.toString());
        assertEquals(1, run.exitCode());
        assertEquals("service 'real_time_audio_pipeline' ports: 5557 is already used on mainpc by "
                + "'affective_processing_center'\n1 problem(s); nothing was changed.\n", run.err());
        assertFalse(run.err().contains("Exception"));
    }

    @Test
    void everyProblemIsPrintedOnItsOwnLine(@TempDir Path dir) throws IOException {
        Path edited = dir.resolve("FleetDefinition.java");
        Files.writeString(edited, Files.readString(SEED_DEFINITION)
                .replace("ports(5560, 6560)", "ports(80, 80)")
                .replace(".ports(7009, 9008)", ".ports(7009, 9008).env(\"HF_TOKEN\", \"do-not-print-me\")"));
        CliRun run = CliRun.of("validate", "--fleet", edited.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("service 'affective_processing_center' ports: service port 80 is outside"));
        assertTrue(run.err()
                .contains("service 'affective_processing_center' ports: service port and health port are both 80"));
        assertTrue(run.err().contains("service 'self_healing_supervisor' env: HF_TOKEN is named like a credential"));
        assertFalse(run.err().contains("do-not-print-me"));
        assertTrue(run.err().endsWith("4 problem(s); nothing was changed.\n"), run.err());
    }

    @Test
    void aDefinitionThatDoesNotCompileIsReportedWithFileAndLine(@TempDir Path dir) throws IOException {
        Path broken = dir.resolve("FleetDefinition.java");
        Files.writeString(broken,
                Files.readString(SEED_DEFINITION).replace(".family(FAMILY_WEB)", ".family(\"family-web\")"));
        CliRun run = CliRun.of("validate", "--fleet", broken.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().startsWith(broken + ":"), run.err());
        assertTrue(run.err().contains("error: "), run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace");
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertEquals(2, CliRun.of("validate", "--no-such-option").exitCode());
        assertEquals(2, CliRun.of("no-such-command").exitCode());
    }

    @Test
    void anUnknownFleetClassIsAClearError() {
        CliRun run = CliRun.of("validate", "--fleet", "com.example.Missing");
        assertEquals(1, run.exitCode());
        assertEquals("--fleet: no class 'com.example.Missing' on the classpath; expected a class name or a path to "
                + "a FleetDefinition .java file\n", run.err());
    }

    @Test
    void planJsonIsByteIdenticalAndPutsTheCanaryFirst() throws IOException {
        CliRun first = CliRun.of("plan", "--json", "--tag", "20260101-abcdef0");
        CliRun second = CliRun.of("plan", "--json", "--tag", "20260101-abcdef0");
        assertEquals(0, first.exitCode(), first.err());
        assertEquals(first.out(), second.out());
        JsonNode plan = Json.MAPPER.readTree(first.out());
        assertEquals(17, plan.get("images").size(), "9 families + 8 service instances");
        JsonNode firstWave = plan.get("rollout").get("waves").get(0);
        assertEquals("CANARY", firstWave.get("kind").asText());
        firstWave.get("instances").forEach(i -> assertEquals("mainpc", i.get("machine").asText()));
        assertEquals("ghcr.io/haymayndzultra/ai_system/affective_processing_center:20260101-abcdef0-mainpc",
                firstWave.get("instances").get(1).get("image").asText());
    }

    @Test
    void planTextShowsImagesAndWaves() {
        CliRun run = CliRun.of("plan", "--tag", "t1", "--batch-size", "2");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("Rollout: canary on mainpc, then batches of 2"));
        assertTrue(
                run.out().contains("wave 1 (canary): model_ops_coordinator@mainpc, affective_processing_center@mainpc, "
                        + "real_time_audio_pipeline@mainpc"),
                run.out());
        assertTrue(run.out().contains("ports [5560, 6560], health check on 6560"), run.out());
        // the seed fleet's families install Debian packages, so each image carries the check
        assertTrue(run.out().contains("      health check in the image: GET 127.0.0.1:$HEALTH_PORT$HEALTH_PATH every "
                + "30 s (timeout 10 s, start period 40 s, 3 retries)\n"), run.out());
    }

    @Test
    void planShowsEveryRuntimeSettingOfTheSeedFleetInTextAndJson() throws IOException {
        CliRun text = CliRun.of("plan", "--tag", "t1");
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.out().contains("runs with: gpus 0; shm 8 GiB; ulimit memlock=-1:-1; ulimit stack=67108864:"
                + "67108864; volume ai_system-hf-cache -> /home/appuser/.cache/huggingface; volume ai_system-models -> "
                + "/home/appuser/models; logs json-file 5 x 10 MiB; secret HF_TOKEN (file /run/secrets/HF_TOKEN); "
                + "starts after central_error_bus, unified_observability_center"), text.out());

        CliRun json = CliRun.of("plan", "--json", "--tag", "t1");
        JsonNode coordinator = Json.MAPPER.readTree(json.out()).get("runtime").get("model_ops_coordinator@mainpc");
        assertEquals("[\"0\"]", coordinator.get("gpuDevices").toString());
        assertEquals(8L << 30, coordinator.get("shmSizeBytes").asLong());
        assertEquals("/home/appuser/models", coordinator.get("mounts").get(1).get("target").asText());
        assertEquals("HF_TOKEN", coordinator.get("secrets").get(0).get("name").asText());
        assertFalse(coordinator.get("secrets").get(0).has("value"), "a secret is named, never valued");
        assertEquals("[\"central_error_bus\",\"unified_observability_center\"]",
                coordinator.get("dependsOn").toString());
        assertEquals(5, coordinator.get("logs").get("maxFiles").asInt());
    }

    @Test
    void versionAndHelpWork() {
        assertEquals(0, CliRun.of("--version").exitCode());
        CliRun help = CliRun.of("plan", "--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.out().contains("--json"));
    }
}
