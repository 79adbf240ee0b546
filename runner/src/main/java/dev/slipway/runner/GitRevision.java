package dev.slipway.runner;

import dev.slipway.plan.BuildIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The build identity of the definition's repository: tag {@code YYYYMMDD-<short sha>} from the HEAD commit's date
 * and sha, so the same commit always gets the same tag. Outside a git checkout: tag {@code dev}, revision unknown.
 */
final class GitRevision {
    private GitRevision() {
    }

    static BuildIdentity of(Path directory, Optional<String> tagOverride) {
        BuildIdentity identity = head(directory).orElseGet(() -> new BuildIdentity("dev", "unknown"));
        return tagOverride.map(identity::withTag).orElse(identity);
    }

    private static Optional<BuildIdentity> head(Path directory) {
        try {
            Process git = new ProcessBuilder("git", "-C", directory.toString(), "log", "-1", "--format=%H %cs")
                    .redirectErrorStream(false).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!git.waitFor(10, TimeUnit.SECONDS) || git.exitValue() != 0 || out.isEmpty()) {
                return Optional.empty();
            }
            String[] parts = out.split(" ");
            return Optional.of(BuildIdentity.of(LocalDate.parse(parts[1]), parts[0]));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
