package dev.slipway.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Runs one short-lived command to completion within a time bound, capturing both output streams. */
final class CommandLine {

    private final List<String> argv;
    private final Path workingDir;
    private final Map<String, String> environment;

    private CommandLine(List<String> argv, Path workingDir, Map<String, String> environment) {
        this.argv = List.copyOf(argv);
        this.workingDir = workingDir;
        this.environment = Map.copyOf(environment);
    }

    static CommandLine of(List<String> argv) {
        return new CommandLine(argv, null, Map.of());
    }

    static CommandLine of(String... argv) {
        return of(List.of(argv));
    }

    CommandLine in(Path dir) {
        return new CommandLine(argv, dir, environment);
    }

    /** Variables to set; a null-free map, an empty value removes the variable. */
    CommandLine withEnvironment(Map<String, String> changes) {
        return new CommandLine(argv, workingDir, changes);
    }

    CommandResult run(Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(argv);
        if (workingDir != null) {
            builder.directory(workingDir.toFile());
        }
        environment.forEach((name, value) -> {
            if (value.isEmpty()) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", argv), e);
        }
        CompletableFuture<String> stdout = drain(process.getInputStream());
        CompletableFuture<String> stderr = drain(process.getErrorStream());
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException(String.join(" ", argv) + " did not finish within " + timeout
                        + "\n--- stdout ---\n" + stdout.getNow("") + "\n--- stderr ---\n" + stderr.getNow(""));
            }
            return new CommandResult(argv, process.exitValue(), stdout.get(), stderr.get());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", argv), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read output of " + String.join(" ", argv), e.getCause());
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (stream) {
                text.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.completeExceptionally(e);
            }
        }, "testkit-output-reader");
        reader.setDaemon(true);
        reader.start();
        return text;
    }
}
