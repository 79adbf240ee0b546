package dev.slipway.images.steps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images of one machine share its staged profile file, and each fingerprints the file's modification time (as
 * Jib's layer cache keys on it). If staging ever replaced the file, an image that had already fingerprinted it
 * would find it changed and be rebuilt on the next no-op.
 */
class MachineProfileStagingTest {
    private static final byte[] PROFILE = MachineProfileLayerStep.render(Map.of("machine", "mainpc", "gpu", "yes"));

    /** What an image sees of the staged file: which file it is and its modification time. */
    private record Seen(Object fileKey, FileTime modified) {
        static Seen of(Path file) throws Exception {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return new Seen(attributes.fileKey(), attributes.lastModifiedTime());
        }
    }

    @Test
    void imagesStagingTheSameProfileAtOnceAllSeeTheFileThatStays(@TempDir Path cache) throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 40; round++) {
                Path directory = cache.resolve("round-" + round);
                CyclicBarrier start = new CyclicBarrier(threads);
                List<Future<Seen>> seen = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    seen.add(pool.submit(() -> {
                        start.await();
                        return Seen.of(MachineProfileLayerStep.stage(PROFILE, directory));
                    }));
                }
                Path staged = MachineProfileLayerStep.stage(PROFILE, directory);
                Seen last = Seen.of(staged);
                for (Future<Seen> image : seen) {
                    assertEquals(last, image.get(), "round " + round + ": the staged profile was replaced");
                }
                assertArrayEquals(PROFILE, Files.readAllBytes(staged));
                try (var files = Files.list(directory)) {
                    assertEquals(List.of(staged), files.toList(), "only the profile is left, no temporary files");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aProfileStagedByAnEarlierBuildIsUsedAsItIs(@TempDir Path cache) throws Exception {
        Path staged = MachineProfileLayerStep.stage(PROFILE, cache);
        FileTime earlier = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(staged, earlier);

        assertEquals(staged, MachineProfileLayerStep.stage(PROFILE, cache));
        assertEquals(earlier, Files.getLastModifiedTime(staged));

        Path other = MachineProfileLayerStep.stage("{}\n".getBytes(StandardCharsets.UTF_8), cache);
        assertNotEquals(staged, other, "another profile gets its own file");
    }
}
