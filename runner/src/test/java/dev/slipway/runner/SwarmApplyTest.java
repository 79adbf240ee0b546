package dev.slipway.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code apply --swarm}: an unreachable manager or a wrong combination refuses the run before anything is built. */
class SwarmApplyTest {
    @TempDir
    Path dir;

    @Test
    void anUnreachableManagerIsNamedAndNothingIsBuilt() {
        CliRun run = CliRun.of("apply", "--fleet", RenderCommandTest.FLEET, "--tag", "s1",
                "--swarm", "unix://" + dir.resolve("no-such.sock"), "--registry", "127.0.0.1:1/slipway", "--cache",
                dir.resolve("cache").toString());
        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("swarm manager unix://" + dir.resolve("no-such.sock") + " is unreachable"),
                run.err());
        assertFalse(run.out().contains("Building"), run.out());
        assertFalse(Files.exists(dir.resolve("cache")), "nothing was built");
    }

    @Test
    void swarmAndHostsExcludeEachOther() {
        CliRun run = CliRun.of("apply", "--fleet", RenderCommandTest.FLEET, "--swarm",
                "unix:///run/docker.sock", "--host", "mainpc=unix:///run/docker.sock");
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("--swarm and --host/--hosts-file exclude each other"), run.err());
    }
}
