package dev.slipway.runner;

import dev.slipway.rollout.DesiredFleet;
import dev.slipway.rollout.engine.ConnectedHosts;
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
        "Exit codes: 0 done (or nothing to do), 1 refused before anything changed (invalid fleet, bad "
                + "option value, unreachable host, lock held, tag not in the registry), 2 usage error, "
                + "3 rollout failed after something changed (its wave rolled back)."})
final class RollbackCommand implements Callable<Integer> {
    @Mixin
    PlanOptions planning;

    @Mixin
    HostsOptions hosts;

    @Mixin
    RolloutOptions rollout;

    @Option(names = "--to", paramLabel = "TAG", required = true, description = "The earlier fleet tag, e.g. 20260101-abcdef0.")
    String to;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!hosts.configured()) {
            throw new UserError("rollback needs the machines: --host NAME=ENGINE (repeatable) or --hosts-file FILE");
        }
        rollout.stopGrace();
        hosts.check();
        var planned = planning.plan("--to", Optional.of(to), rollout.batch.batchSize(), Optional.empty());
        DesiredFleet desired = DesiredFleet.of(planned.plan());
        try (ConnectedHosts connected = hosts.connect(planned.fleet(), desired)) {
            return new RolloutRun(rollout, spec.commandLine().getOut(), spec.commandLine().getErr())
                    .run("rollback", desired, connected);
        }
    }
}
