package dev.slipway.runner;

import dev.slipway.plan.FleetPlan;
import dev.slipway.rollout.secrets.SecretValues;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What {@code apply} and {@code rollback} share: batch size, the lock, the audit log, the stop grace, secrets. */
final class RolloutOptions {
    @Mixin
    BatchSizeOption batch;

    @Option(names = "--break-lock", description = "Break the fleet's deploy lock held by another run (one that was killed elsewhere). A lock "
            + "whose process on this machine is gone is taken over without it.")
    boolean breakLock;

    @Option(names = "--audit-log", paramLabel = "FILE", defaultValue = "${sys:user.home}/.slipway/audit.jsonl", description = "One JSON line per run is appended here. Default: ${DEFAULT-VALUE}.")
    Path auditLog;

    @Option(names = "--stop-timeout", paramLabel = "SECONDS", defaultValue = "10", description = "Grace before an old container is killed when stopped. Default: ${DEFAULT-VALUE}.")
    int stopTimeoutSeconds;

    @Option(names = "--secrets", paramLabel = "FILE", description = "Deploy-time secret values, NAME=value lines (only its owner may read it: chmod 600). A "
            + "secret not in it is taken from the environment variable of its name.")
    Path secretsFile;

    /**
     * The secret values the plan's instances receive, every one present; refused (nothing changed yet) naming each
     * service and secret that has none. Values are never printed.
     */
    SecretValues secrets(FleetPlan plan) {
        SecretValues values;
        try {
            values = secretsFile == null
                    ? SecretValues.fromEnvironment(System.getenv())
                    : SecretValues.load(secretsFile, System.getenv());
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage() + "; nothing was changed.");
        }
        List<String> missing = values.missing(plan);
        if (!missing.isEmpty()) {
            List<String> lines = new ArrayList<>(missing);
            lines.add("missing secrets; nothing was changed.");
            throw new UserError(lines);
        }
        return values;
    }

    Duration stopGrace() {
        if (stopTimeoutSeconds < 0) {
            throw new UserError("--stop-timeout: " + stopTimeoutSeconds + " is negative; expected 0 or more seconds");
        }
        return Duration.ofSeconds(stopTimeoutSeconds);
    }
}
