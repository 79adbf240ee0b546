package dev.slipway.runner;

import dev.slipway.plan.FleetPlan;
import dev.slipway.rollout.AuditLog;
import dev.slipway.rollout.LockHolder;
import dev.slipway.rollout.health.HttpHealthGate;
import dev.slipway.rollout.secrets.SecretValues;
import dev.slipway.rollout.swarm.SwarmException;
import dev.slipway.rollout.swarm.SwarmManager;
import dev.slipway.rollout.swarm.SwarmOutcome;
import dev.slipway.rollout.swarm.SwarmRefused;
import dev.slipway.rollout.swarm.SwarmReport;
import dev.slipway.rollout.swarm.SwarmRollout;
import dev.slipway.rollout.swarm.SwarmServiceSpecs;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code apply --swarm ENGINE}: the fleet rolled out as Swarm services through one manager instead of per host. */
final class SwarmApply {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    @Option(names = "--swarm", paramLabel = "ENGINE[,tls=DIR]", description = "Roll out to a Docker Swarm through this manager (unix:///… or tcp://HOST:PORT, tls as for "
            + "hosts) instead of --host: one service per instance, placed by node label "
            + "dev.slipway.machine=<machine> (docs/rollout.md).")
    String swarm;

    @Option(names = "--swarm-address", paramLabel = "MACHINE=HOST", description = "Where the machine's services answer for the health gate, when not at its node's swarm "
            + "address; repeatable.")
    List<String> addresses = new ArrayList<>();

    boolean configured() {
        return swarm != null;
    }

    /**
     * Refuses what Swarm cannot express and missing secrets, then connects, all before anything is built, so a
     * refused run changes nothing; builds, checks signatures (--require-signed) before any service changes, rolls
     * out, appends the audit line. Exit 0 done, 3 rolled back.
     */
    int run(PlanOptions planning, TagOption tag, BuildOptions build, RolloutOptions rollout, boolean skipBuild,
            Optional<RequiredSignatures> required, PrintWriter out, PrintWriter err) {
        Map<String, String> gateAddresses = gateAddresses();
        var planned = planning.plan("--tag", tag.tag(), rollout.batch.batchSize(), Optional.of(out));
        FleetPlan plan = planned.plan();
        List<String> refusals = new ArrayList<>(SwarmServiceSpecs.refusals(plan));
        if (!refusals.isEmpty()) {
            refusals.add(refusals.size() + " setting(s) a Swarm service cannot express (docs/rollout.md); nothing "
                    + "was changed.");
            throw new UserError(refusals);
        }
        SecretValues secrets = rollout.secrets(plan);
        try (SwarmManager manager = connect()) {
            if (!skipBuild) {
                try {
                    new ImageBuild(out, err).run(planned, build.target(Optional.of(plan.registry())), build,
                            planning.cache());
                } catch (UserError e) {
                    throw e.followedBy("apply: the build failed; nothing was rolled out.");
                }
            }
            required.ifPresent(r -> r.require(plan, build.insecure));
            SwarmReport report = new SwarmRollout(manager, HttpHealthGate.standard(), gateAddresses, line -> {
                out.println(LocalTime.now().format(CLOCK) + "  " + line);
                out.flush();
            }, secrets).apply(plan);
            for (SwarmOutcome outcome : report.outcomes()) {
                out.printf("  %-40s %-9s %-11s %s%n", outcome.instance(), outcome.action(), outcome.result(),
                        outcome.detail());
            }
            out.println(report.succeeded() ? report.why() : "rollout failed and was rolled back: " + report.why());
            audit(report, plan, rollout.auditLog, out, err);
            out.flush();
            return report.succeeded() ? 0 : RolloutRun.ROLLOUT_FAILED;
        } catch (SwarmRefused e) {
            throw new UserError(e.problems());
        } catch (SwarmException e) {
            throw new UserError(e.getMessage());
        }
    }

    /** One line per run, as the Docker hosts' runs write it. */
    private static void audit(SwarmReport report, FleetPlan plan, Path log, PrintWriter out, PrintWriter err) {
        try {
            new AuditLog(log).append(report.asRolloutReport("apply", plan), LockHolder.thisProcess());
            out.println("audit: appended to " + log);
        } catch (IOException e) {
            err.println("audit: cannot append to " + log + ": " + e.getMessage());
        }
    }

    private SwarmManager connect() {
        String[] parts = swarm.split(",", -1);
        Optional<Path> tls = Optional.empty();
        for (int i = 1; i < parts.length; i++) {
            if (!parts[i].startsWith("tls=")) {
                throw new UserError("--swarm: '" + parts[i] + "' is not tls=DIR; expected ENGINE[,tls=DIR]");
            }
            tls = Optional.of(Path.of(parts[i].substring(4)));
        }
        URI engine;
        try {
            engine = URI.create(parts[0]);
        } catch (IllegalArgumentException e) {
            throw new UserError("--swarm: '" + parts[0] + "' is not unix:///PATH or tcp://HOST:PORT");
        }
        if (!"unix".equals(engine.getScheme()) && !"tcp".equals(engine.getScheme())) {
            throw new UserError("--swarm: '" + parts[0] + "' is not unix:///PATH or tcp://HOST:PORT");
        }
        return SwarmManager.connect(engine, tls);
    }

    private Map<String, String> gateAddresses() {
        Map<String, String> byMachine = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (String address : addresses) {
            int equals = address.indexOf('=');
            if (equals <= 0 || equals == address.length() - 1) {
                problems.add("--swarm-address: '" + address + "' is not MACHINE=HOST");
            } else {
                byMachine.put(address.substring(0, equals), address.substring(equals + 1));
            }
        }
        if (!problems.isEmpty()) {
            throw new UserError(problems);
        }
        return byMachine;
    }
}
