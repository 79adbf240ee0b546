package dev.slipway.runner;

import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What {@code apply} and {@code rollback} share: batch size, the lock, the audit log, the stop grace. */
final class RolloutOptions {
    @Mixin
    BatchSizeOption batch;

    @Option(names = "--break-lock",
            description = "Break the fleet's deploy lock held by another run (one that was killed elsewhere). A lock "
                    + "whose process on this machine is gone is taken over without it.")
    boolean breakLock;

    @Option(names = "--audit-log", paramLabel = "FILE", defaultValue = "${sys:user.home}/.slipway/audit.jsonl",
            description = "One JSON line per run is appended here. Default: ${DEFAULT-VALUE}.")
    Path auditLog;

    @Option(names = "--stop-timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "Grace before an old container is killed when stopped. Default: ${DEFAULT-VALUE}.")
    int stopTimeoutSeconds;

    Duration stopGrace() {
        if (stopTimeoutSeconds < 0) {
            throw new UserError("--stop-timeout: " + stopTimeoutSeconds + " is negative; expected 0 or more seconds");
        }
        return Duration.ofSeconds(stopTimeoutSeconds);
    }
}
