package dev.slipway.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed fleet's GPU families name pinned lists whose hash locks can only be made where the wheel indexes are
 * reachable: `build` says so in one line per family, with what to run, and builds nothing.
 */
class SeedGpuLocksTest {
    private static final Path SEED = Path.of("..", "fleet-definition");

    @Test
    void buildNamesEveryGpuFamilyWhoseWheelLockIsMissingAndWhatMakesItBeforeAnyWork(@TempDir Path work) {
        Path out = work.resolve("out");
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        picocli.CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(stdout, true));
        cli.setErr(new PrintWriter(stderr, true));
        int code = cli.execute("build", "--dir", SEED.toString(), "--out", out.toString(), "--tag", "t1", "--cache",
                work.resolve("cache").toString());
        String all = stdout + "\n" + stderr;

        assertEquals(1, code, all);
        assertFalse(all.contains("\tat "), all);
        for (String family : List.of("base-gpu-cu121", "family-torch-cu121", "family-llm-cu121",
                "family-vision-cu121")) {
            List<String> lines = all.lines().filter(l -> l.startsWith("family " + family + ": ")).toList();
            assertEquals(1, lines.size(), family + " in:\n" + all);
            assertTrue(lines.get(0).endsWith("the family's wheels are not hash-locked yet; make the lock from locks/"
                    + family + ".requirements.txt with `lock` on a machine that reaches the indexes it names"),
                    lines.get(0));
            assertTrue(Files.isRegularFile(SEED.resolve("locks").resolve(family + ".requirements.txt")), family);
        }
        assertTrue(all.contains("nothing was built"), all);
        assertFalse(Files.exists(out), "nothing written to " + out);
    }
}
