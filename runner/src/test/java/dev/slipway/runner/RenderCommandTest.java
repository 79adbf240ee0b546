package dev.slipway.runner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code render kubernetes} and {@code render compose} as a user runs them: files written, digests pinned, errors named. */
class RenderCommandTest {
    static final String FLEET = RolloutTestFleet.class.getName();
    static final String DIGEST = "sha256:" + "cd".repeat(32);
    static final String ALPHA = "registry.invalid/slipway/rollouttest/alpha";

    @TempDir
    Path dir;

    @Test
    void kubernetesWritesEveryManifestPinsTheGivenDigestAndWarnsForTheRest() throws Exception {
        Files.writeString(dir.resolve("images.json"), "{\n  \"" + ALPHA + ":t1-mainpc\" : \"" + DIGEST + "\"\n}\n");
        CliRun run = CliRun.of("render", "kubernetes", "--fleet", FLEET, "--tag", "t1", "--images",
                dir.resolve("images.json").toString(), "--out", dir.resolve("k8s").toString());

        assertEquals(0, run.exitCode(), run.err());
        String alpha = Files.readString(dir.resolve("k8s/deployment-alpha-mainpc.yaml"));
        assertTrue(alpha.contains("image: " + ALPHA + "@" + DIGEST + "\n"), alpha);
        assertTrue(alpha.contains("dev.slipway.machine: mainpc"), alpha);
        assertTrue(run.err().contains("warning: instance bravo@mainpc: no digest for "
                + "registry.invalid/slipway/rollouttest/bravo:t1-mainpc, pinned by tag only"), run.err());
        assertEquals(4, run.err().lines().filter(l -> l.startsWith("warning: ")).count(), run.err());
        String kustomization = Files.readString(dir.resolve("k8s/kustomization.yaml"));
        assertTrue(kustomization.contains("- deployment-bravo-pc2.yaml\n"), kustomization);
        assertTrue(kustomization.contains("- service-delta.yaml\n"), kustomization);
        assertTrue(run.out().contains("wrote " + dir.resolve("k8s/kustomization.yaml")), run.out());

        byte[] first = Files.readAllBytes(dir.resolve("k8s/deployment-alpha-mainpc.yaml"));
        Files.writeString(dir.resolve("k8s/deployment-gone-pc2.yaml"), "kind: Deployment\n");
        CliRun again = CliRun.of("render", "kubernetes", "--fleet", FLEET, "--tag", "t1", "--digest",
                ALPHA + ":t1-mainpc=" + DIGEST, "--out", dir.resolve("k8s").toString());
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.err().contains("warning: " + dir.resolve("k8s/deployment-gone-pc2.yaml") + " is not part "
                + "of this rendering"), again.err());
        assertEquals(5, again.err().lines().filter(l -> l.startsWith("warning: ")).count(), "4 unpinned, 1 stale: "
                + again.err());
        assertArrayEquals(first, Files.readAllBytes(dir.resolve("k8s/deployment-alpha-mainpc.yaml")));
    }

    @Test
    void aBadDigestOrAnUnknownMachineIsNamedAndNothingIsWritten() {
        CliRun bad = CliRun.of("render", "kubernetes", "--fleet", FLEET, "--digest", "alpha=latest", "--digest", "oops",
                "--out", dir.resolve("k8s").toString());
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("--digest: 'oops' is not IMAGE=sha256:..."), bad.err());
        assertTrue(bad.err().contains("image alpha: 'latest' is not a digest"), bad.err());
        assertTrue(Files.notExists(dir.resolve("k8s")));

        CliRun machine = CliRun.of("render", "compose", "--fleet", FLEET, "--machine", "pc3", "--out",
                dir.resolve("c.yaml").toString());
        assertEquals(1, machine.exitCode());
        assertTrue(machine.err().contains("--machine: 'pc3' runs no service of fleet rollouttest; machines with "
                + "services: mainpc, pc2"), machine.err());
        assertTrue(Files.notExists(dir.resolve("c.yaml")));
    }

    @Test
    void renderWithoutATargetShowsItsTargetsAsAUsageError() {
        CliRun run = CliRun.of("render");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("kubernetes") && run.err().contains("compose"), run.err());
    }
}
