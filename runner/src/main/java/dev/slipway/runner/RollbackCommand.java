package dev.slipway.runner;

import dev.slipway.plan.FleetPlan;
import dev.slipway.rollout.DesiredFleet;
import dev.slipway.rollout.engine.ConnectedHosts;
import dev.slipway.rollout.secrets.SecretValues;
import dev.slipway.rollout.swarm.SwarmException;
import dev.slipway.rollout.swarm.SwarmManager;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "rollback", mixinStandardHelpOptions = true, description = {
        "Pin the whole fleet to an earlier tag that exists in the registry (what FORCE_IMAGE_TAG did "
                + "by hand), through the same lock, pre-pull, canary, batches and health gates as apply. Builds "
                + "nothing. A tag missing for any instance refuses the run before anything changes.",
        "With --swarm ENGINE, the swarm's services are rolled back the same way: the fleet's lock on the swarm, "
                + "every image of the tag in the registry, then the waves as apply --swarm runs them.",
        "Exit codes: 0 done (or nothing to do), 1 refused before anything changed (invalid fleet, bad "
                + "option value, unreachable host or manager, lock held, tag not in the registry), 2 usage error, "
                + "3 rollout failed after something changed (its wave rolled back)."})
final class RollbackCommand implements Callable<Integer> {
    @Mixin
    PlanOptions planning;

    @Mixin
    HostsOptions hosts;

    @Mixin
    SwarmOptions swarm;

    @Mixin
    RolloutOptions rollout;

    @Option(names = "--to", paramLabel = "TAG", required = true, description = "The earlier fleet tag, e.g. 20260101-abcdef0.")
    String to;

    @Option(names = "--insecure", description = "With --swarm: ask the registry whether the tag's images exist over plain HTTP; only for a "
            + "registry on loopback (hosts ask through their engines).")
    boolean insecure;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (swarm.configured() && hosts.configured()) {
            throw new UserError("--swarm and --host/--hosts-file exclude each other: a swarm places the services");
        }
        if (!hosts.configured() && !swarm.configured()) {
            throw new UserError("rollback needs the machines: --host NAME=ENGINE (repeatable) or --hosts-file FILE, "
                    + "or a swarm: --swarm ENGINE");
        }
        if (insecure && !swarm.configured()) {
            throw new UserError("--insecure only applies with --swarm: hosts ask the registry through their engines");
        }
        rollout.stopGrace();
        if (swarm.configured()) {
            return rollBackSwarm();
        }
        hosts.check();
        var planned = planning.plan("--to", Optional.of(to), rollout.batch.batchSize(), Optional.empty());
        DesiredFleet desired = DesiredFleet.of(planned.plan());
        try (ConnectedHosts connected = hosts.connect(planned.fleet(), desired)) {
            return new RolloutRun(rollout, spec.commandLine().getOut(), spec.commandLine().getErr())
                    .run("rollback", desired, connected);
        }
    }

    /** The plan of the earlier tag rolled out to the swarm, refused as {@code apply --swarm} refuses. */
    private int rollBackSwarm() {
        Map<String, String> gateAddresses = swarm.gateAddresses();
        FleetPlan plan = planning.plan("--to", Optional.of(to), rollout.batch.batchSize(), Optional.empty()).plan();
        SwarmOptions.refuseWhatSwarmCannotExpress(plan);
        SecretValues secrets = rollout.secrets(plan);
        try (SwarmManager manager = swarm.connect()) {
            return new SwarmRun(rollout, gateAddresses, insecure, spec.commandLine().getOut(),
                    spec.commandLine().getErr()).run("rollback", plan, secrets, manager);
        } catch (SwarmException e) {
            throw new UserError(e.getMessage());
        }
    }
}
