package dev.slipway.images;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.images.progress.ProgressListener;
import dev.slipway.testkit.LocalRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real registry killed in the middle of a build: the build reports it within a few seconds of the connection
 * being refused, instead of sitting through Jib's ten backed-off retries of every request (43-61 s).
 */
class RegistryDiesMidBuildTest {
    /** Jib's two attempts at the first refused request, about a second, and headroom for a loaded machine. */
    private static final Duration GIVES_UP_WITHIN = Duration.ofSeconds(10);

    @Test
    void aBuildWhoseRegistryDiedGivesUpWithinSecondsNamingIt(@TempDir Path work) throws Exception {
        BusyboxTestFleet fleet = BusyboxTestFleet.create(work.resolve("inputs"));
        // a layer big enough that its push is still under way when the registry dies
        byte[] noise = new byte[48 << 20];
        new java.util.Random(18).nextBytes(noise);
        java.nio.file.Files.write(work.resolve("inputs/services/hello/www/noise.bin"), noise);
        LocalRegistry registry = LocalRegistry.start();
        AtomicLong killedAt = new AtomicLong();
        // killed while the hello image's big layer goes up: its families are pushed, its blob requests are under way
        ProgressListener killAfterTheFirstImage = new ProgressListener() {
            @Override
            public void progressed(dev.slipway.images.progress.ImageProgress progress) {
                if (progress.image().contains("/testfleet/hello") && progress.bytesDone() > 0
                        && progress.bytesDone() < progress.bytesTotal()
                        && killedAt.compareAndSet(0, System.nanoTime())) {
                    registry.close();
                }
            }
        };
        try {
            FleetBuildException failed = assertThrows(FleetBuildException.class, () -> new FleetImageBuilder().build(
                    fleet.request(registry.host() + "/slipway", BuildTarget.registry(true), work.resolve("cache")),
                    killAfterTheFirstImage));
            Duration afterTheKill = Duration.ofNanos(System.nanoTime() - killedAt.get());

            System.out.println("build gave up " + afterTheKill.toMillis() + " ms after the registry was killed");
            assertTrue(killedAt.get() != 0,
                    "the registry was killed during the first service image: " + failed.failures());
            assertTrue(afterTheKill.compareTo(GIVES_UP_WITHIN) < 0, afterTheKill + ": " + failed.failures());
            assertFalse(failed.failures().isEmpty());
            // the upload under way is reset, requests after it are refused
            assertTrue(failed.failures().stream().anyMatch(f -> f.reason().startsWith("cannot reach "
                    + "registry " + registry.host()) && f.reason().toLowerCase(java.util.Locale.ROOT)
                            .matches(".*(refused|reset|closed).*")),
                    failed.failures().toString());
        } finally {
            registry.close();
        }
    }
}
