package dev.slipway.runner;

import dev.slipway.plan.FleetPlan;
import dev.slipway.rollout.DeployLockRefused;
import dev.slipway.rollout.LockHolder;
import dev.slipway.rollout.RolloutReport;
import dev.slipway.rollout.health.HttpHealthGate;
import dev.slipway.rollout.secrets.SecretValues;
import dev.slipway.rollout.swarm.SwarmDeployLock;
import dev.slipway.rollout.swarm.SwarmException;
import dev.slipway.rollout.swarm.SwarmManager;
import dev.slipway.rollout.swarm.SwarmRefused;
import dev.slipway.rollout.swarm.SwarmReport;
import dev.slipway.rollout.swarm.SwarmRollout;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * Carries a plan out on a swarm for {@code apply --swarm} and {@code rollback --swarm}, as {@link RolloutRun} does
 * on hosts: takes the fleet's deploy lock on the swarm, checks every image is in the registry, runs the waves with
 * their progress printed, prints the report as for hosts and appends it to the audit log. Exit 0 when it held,
 * {@link RolloutRun#REFUSED} when it stopped before anything changed, {@link RolloutRun#ROLLOUT_FAILED} after.
 */
final class SwarmRun {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private final RolloutOptions options;
    private final Map<String, String> gateAddresses;
    private final boolean insecureRegistry;
    private final PrintWriter out;
    private final PrintWriter err;

    SwarmRun(RolloutOptions options, Map<String, String> gateAddresses, boolean insecureRegistry, PrintWriter out,
            PrintWriter err) {
        this.options = options;
        this.gateAddresses = Map.copyOf(gateAddresses);
        this.insecureRegistry = insecureRegistry;
        this.out = out;
        this.err = err;
    }

    /** {@code secrets}: checked complete beforehand ({@link RolloutOptions#secrets}). */
    int run(String command, FleetPlan plan, SecretValues secrets, SwarmManager manager) {
        LockHolder me = LockHolder.thisProcess();
        Instant started = Instant.now();
        RolloutReport report;
        try (SwarmDeployLock lock = SwarmDeployLock.acquire(manager, plan.fleet(), me, options.breakLock,
                this::progress)) {
            List<String> missing = RegistryAccess.missing(plan, insecureRegistry);
            if (!missing.isEmpty()) {
                report = new RolloutReport(command, plan.fleet(), plan.tag(), plan.build().revision(),
                        RolloutReport.Result.REFUSED, "not in the registry: " + String.join(", ", missing)
                                + "; nothing was changed",
                        List.of(), List.of(), started, Instant.now());
            } else {
                SwarmReport swarm = new SwarmRollout(manager, HttpHealthGate.standard(), gateAddresses,
                        this::progress, secrets).apply(plan);
                report = swarm.asRolloutReport(command, plan);
            }
        } catch (DeployLockRefused e) {
            throw new UserError(e.getMessage() + "; nothing was changed.");
        } catch (SwarmRefused e) {
            throw new UserError(e.problems());
        } catch (SwarmException e) {
            throw new UserError(e.getMessage());
        }
        return RolloutRun.finish(command, report, me, options, out, err);
    }

    private void progress(String line) {
        out.println(LocalTime.now().format(CLOCK) + "  " + line);
        out.flush();
    }
}
