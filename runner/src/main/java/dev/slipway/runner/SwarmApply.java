package dev.slipway.runner;

import dev.slipway.plan.FleetPlan;
import dev.slipway.rollout.health.HttpHealthGate;
import dev.slipway.rollout.swarm.SwarmException;
import dev.slipway.rollout.swarm.SwarmManager;
import dev.slipway.rollout.swarm.SwarmOutcome;
import dev.slipway.rollout.swarm.SwarmReport;
import dev.slipway.rollout.swarm.SwarmRollout;
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

    /** Connects before anything is built, so an unreachable manager changes nothing; exit 0 done, 3 rolled back. */
    int run(PlanOptions planning, TagOption tag, BuildOptions build, RolloutOptions rollout, boolean skipBuild,
            PrintWriter out, PrintWriter err) {
        if (build.out != null) {
            throw new UserError("--out is the local OCI output for a run without hosts; with --swarm, images are "
                    + "pushed");
        }
        Map<String, String> gateAddresses = gateAddresses();
        var planned = planning.plan("--tag", tag.tag(), rollout.batch.batchSize(), Optional.of(out));
        FleetPlan plan = planned.plan();
        try (SwarmManager manager = connect()) {
            if (!skipBuild) {
                try {
                    new ImageBuild(out, err).run(planned, build.target(Optional.of(plan.registry())), build,
                            planning.cache());
                } catch (UserError e) {
                    throw e.followedBy("apply: the build failed; nothing was rolled out.");
                }
            }
            SwarmReport report = new SwarmRollout(manager, HttpHealthGate.standard(), gateAddresses, line -> {
                out.println(LocalTime.now().format(CLOCK) + "  " + line);
                out.flush();
            }).apply(plan);
            for (SwarmOutcome outcome : report.outcomes()) {
                out.printf("  %-40s %-9s %-11s %s%n", outcome.instance(), outcome.action(), outcome.result(),
                        outcome.detail());
            }
            out.println(report.succeeded() ? report.why() : "rollout failed and was rolled back: " + report.why());
            out.flush();
            return report.succeeded() ? 0 : 3;
        } catch (SwarmException e) {
            throw new UserError(e.getMessage());
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
