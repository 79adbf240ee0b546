package dev.slipway.runner;

import dev.slipway.rollout.AuditLog;
import dev.slipway.rollout.DeployLockRefused;
import dev.slipway.rollout.DesiredFleet;
import dev.slipway.rollout.FleetRollout;
import dev.slipway.rollout.LockHolder;
import dev.slipway.rollout.RolloutReport;
import dev.slipway.rollout.engine.ConnectedHosts;
import dev.slipway.rollout.engine.EngineException;
import dev.slipway.rollout.health.HttpHealthGate;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** What {@code apply} and {@code rollback} share: the lock, the audit log, the stop grace; and running the rollout. */
final class RolloutOptions {
    static final int ROLLOUT_FAILED = 3;

    @Option(names = "--batch-size", paramLabel = "N",
            description = "Instances per batch after the canary wave. Default: the fleet's rollout setting.")
    Integer batchSize;

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

    int batchSize(dev.slipway.validation.Fleet fleet) {
        if (batchSize != null && batchSize < 1) {
            throw new UserError("--batch-size: " + batchSize + " is not positive; expected 1 or more");
        }
        return batchSize == null ? fleet.rollout().batchSize() : batchSize;
    }

    /** Runs the rollout, prints and audits its report; exit 0 when it held, {@link #ROLLOUT_FAILED} when not. */
    int roll(String command, DesiredFleet desired, ConnectedHosts hosts, PrintWriter out, PrintWriter err) {
        LockHolder me = LockHolder.thisProcess();
        RolloutPrinter printer = new RolloutPrinter(out);
        FleetRollout rollout = new FleetRollout(hosts.engines(), HttpHealthGate.forPath("/health"), printer,
                Duration.ofSeconds(stopTimeoutSeconds));
        RolloutReport report;
        try {
            report = rollout.apply(desired, command, me, breakLock);
        } catch (DeployLockRefused e) {
            throw new UserError(e.getMessage() + "; nothing was changed.");
        } catch (EngineException e) {
            throw new UserError(e.getMessage());
        }
        RolloutPrinter.printReport(report, out);
        try {
            new AuditLog(auditLog).append(report, me);
            out.println("audit: appended to " + auditLog);
        } catch (IOException e) {
            err.println("audit: cannot append to " + auditLog + ": " + e.getMessage());
        }
        out.flush();
        if (report.failed()) {
            err.println(command + " failed: " + report.why());
            err.flush();
            return ROLLOUT_FAILED;
        }
        return 0;
    }
}
