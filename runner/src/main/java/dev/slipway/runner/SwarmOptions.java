package dev.slipway.runner;

import dev.slipway.plan.FleetPlan;
import dev.slipway.rollout.swarm.SwarmManager;
import dev.slipway.rollout.swarm.SwarmServiceSpecs;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --swarm ENGINE} and {@code --swarm-address}: the swarm manager {@code apply}, {@code rollback},
 * {@code status} and {@code plan} work on instead of Docker hosts. Deployment, not definition.
 */
final class SwarmOptions {
    @Option(names = "--swarm", paramLabel = "ENGINE[,tls=DIR]", description = "A Docker Swarm's manager (unix:///… or tcp://HOST:PORT, tls as for hosts) instead of "
            + "--host: one service per instance, placed by node label dev.slipway.machine=<machine> "
            + "(docs/rollout.md).")
    String swarm;

    @Option(names = "--swarm-address", paramLabel = "MACHINE=HOST", description = "Where the machine's services answer health checks, when not at its node's swarm address; "
            + "repeatable.")
    List<String> addresses = new ArrayList<>();

    boolean configured() {
        return swarm != null;
    }

    /** Refuses, before anything is connected or changed, every setting of the plan a Swarm service cannot express. */
    static void refuseWhatSwarmCannotExpress(FleetPlan plan) {
        List<String> refusals = new ArrayList<>(SwarmServiceSpecs.refusals(plan));
        if (!refusals.isEmpty()) {
            refusals.add(refusals.size() + " setting(s) a Swarm service cannot express (docs/rollout.md); nothing "
                    + "was changed.");
            throw new UserError(refusals);
        }
    }

    /** Connects to the manager and pings it; an unreachable one is a {@code SwarmException} naming it. */
    SwarmManager connect() {
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

    /** Where each machine's services answer health checks, from {@code --swarm-address}. */
    Map<String, String> gateAddresses() {
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
