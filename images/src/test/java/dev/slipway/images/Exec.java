package dev.slipway.images;

import dev.slipway.testkit.CommandResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short command (tar, skopeo) to completion, output captured, within a time bound. */
final class Exec {
    private Exec() {
    }

    static CommandResult run(Duration timeout, List<String> argv) {
        try {
            Path stdout = Files.createTempFile("slipway-exec-", ".out");
            Path stderr = Files.createTempFile("slipway-exec-", ".err");
            try {
                Process process = new ProcessBuilder(argv).redirectOutput(stdout.toFile())
                        .redirectError(stderr.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(argv + " did not finish within " + timeout);
                }
                return new CommandResult(argv, process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                        Files.readString(stderr, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(stdout);
                Files.deleteIfExists(stderr);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
