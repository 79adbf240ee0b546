package dev.slipway.runner;

import dev.slipway.rollout.AuditLog;
import dev.slipway.rollout.DeployLockRefused;
import dev.slipway.rollout.DesiredFleet;
import dev.slipway.rollout.FleetRollout;
import dev.slipway.rollout.GpuHostCheck;
import dev.slipway.rollout.secrets.SecretValues;
import dev.slipway.packages.layer.LayerCompression;
import java.util.ArrayList;
import java.util.List;
import dev.slipway.rollout.LockHolder;
import dev.slipway.rollout.RolloutReport;
import dev.slipway.rollout.engine.ConnectedHosts;
import dev.slipway.rollout.engine.EngineException;
import dev.slipway.rollout.health.HttpHealthGate;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * Carries a desired fleet out on connected hosts for {@code apply} and {@code rollback}: runs the rollout with its
 * events printed as they happen, prints the report, appends it to the audit log. Exit 0 when it held, {@link #REFUSED}
 * when it stopped before anything changed, {@link #ROLLOUT_FAILED} when it stopped after something did.
 */
final class RolloutRun {
    static final int ROLLOUT_FAILED = 3;
    /** Stopped before anything changed, as a refused lock or an unreachable host. */
    static final int REFUSED = UserErrorHandler.FAILED;

    private final RolloutOptions options;
    private final PrintWriter out;
    private final PrintWriter err;

    RolloutRun(RolloutOptions options, PrintWriter out, PrintWriter err) {
        this.options = options;
        this.out = out;
        this.err = err;
    }

    /** Refuses (nothing changed yet) a host that is to run a GPU service but cannot hand out GPUs. */
    static void checkHosts(DesiredFleet desired, ConnectedHosts hosts) {
        checkHosts(desired, hosts, LayerCompression.GZIP);
    }

    /**
     * Before anything changes, every problem of the hosts at once: a GPU service on a host that cannot hand out
     * GPUs, and, for zstd layers, an engine too old to pull them.
     */
    static void checkHosts(DesiredFleet desired, ConnectedHosts hosts, LayerCompression compression) {
        List<String> gpu;
        List<String> zstd;
        try {
            gpu = GpuHostCheck.problems(desired, hosts.engines());
            zstd = ZstdEngineCheck.hostProblems(compression, hosts.engines());
        } catch (EngineException e) {
            throw new UserError(e.getMessage());
        }
        List<String> lines = new ArrayList<>(gpu);
        if (!gpu.isEmpty()) {
            lines.add("hosts cannot run their GPU services; nothing was changed.");
        }
        lines.addAll(zstd);
        if (!zstd.isEmpty()) {
            lines.add(ZstdEngineCheck.REFUSED);
        }
        if (!lines.isEmpty()) {
            throw new UserError(lines);
        }
    }

    int run(String command, DesiredFleet desired, ConnectedHosts hosts) {
        return run(command, desired, hosts, options.secrets(desired.plan()));
    }

    int run(String command, DesiredFleet desired, ConnectedHosts hosts, SecretValues secrets) {
        checkHosts(desired, hosts);
        LockHolder me = LockHolder.thisProcess();
        FleetRollout rollout = new FleetRollout(hosts.engines(), HttpHealthGate.standard(), new RolloutPrinter(out),
                options.stopGrace(), secrets);
        RolloutReport report;
        try {
            report = rollout.apply(desired, command, me, options.breakLock);
        } catch (DeployLockRefused e) {
            throw new UserError(e.getMessage() + "; nothing was changed.");
        } catch (EngineException e) {
            throw new UserError(e.getMessage());
        }
        return finish(command, report, me, options, out, err);
    }

    /** What every rollout ends with, on hosts or a swarm: the report, its audit line, and the exit code. */
    static int finish(String command, RolloutReport report, LockHolder me, RolloutOptions options, PrintWriter out,
            PrintWriter err) {
        RolloutPrinter.printReport(report, out);
        try {
            new AuditLog(options.auditLog).append(report, me);
            out.println("audit: appended to " + options.auditLog);
        } catch (IOException e) {
            err.println("audit: cannot append to " + options.auditLog + ": " + e.getMessage());
        }
        out.flush();
        if (report.failed()) {
            err.println(command + " failed: " + report.why());
            err.flush();
            return report.result() == RolloutReport.Result.REFUSED ? REFUSED : ROLLOUT_FAILED;
        }
        return 0;
    }
}
