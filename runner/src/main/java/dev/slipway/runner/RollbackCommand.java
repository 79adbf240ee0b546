package dev.slipway.runner;

import dev.slipway.plan.BuildIdentity;
import dev.slipway.rollout.DesiredFleet;
import dev.slipway.rollout.engine.ConnectedHosts;
import dev.slipway.validation.Fleet;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {"Pin the whole fleet to an earlier tag that exists in the registry (what FORCE_IMAGE_TAG did "
                + "by hand), through the same lock, pre-pull, canary, batches and health gates as apply. Builds "
                + "nothing. A tag missing for any instance refuses the run before anything changes.",
                "Exit codes: 0 done, 1 refused before anything changed, 3 rollout failed and rolled back."})
final class RollbackCommand implements Callable<Integer> {
    @Mixin
    FleetOptions options;

    @Mixin
    HostsOptions hosts;

    @Mixin
    RolloutOptions rollout;

    @Option(names = "--to", paramLabel = "TAG", required = true, description = "The earlier fleet tag, e.g. 20260101-abcdef0.")
    String to;

    @Option(names = "--registry", paramLabel = "HOST[:PORT]/ORG",
            description = "Pull from this registry; replaces the fleet's registry in every image name.")
    String registry;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!hosts.configured()) {
            throw new UserError("rollback needs the machines: --host NAME=ENGINE (repeatable) or --hosts-file FILE");
        }
        FleetSource source = options.load();
        Fleet fleet = new FleetSource(registry == null ? source.spec() : source.spec().registry(registry),
                source.directory(), source.origin()).compile();
        BuildIdentity build;
        try {
            build = GitRevision.of(source.directory(), Optional.of(to));
        } catch (IllegalArgumentException e) {
            throw new UserError("--to: " + e.getMessage());
        }
        DesiredFleet desired = DesiredFleet.of(fleet, build, rollout.batchSize(fleet));
        try (ConnectedHosts connected = hosts.connect(fleet, desired)) {
            return rollout.roll("rollback", desired, connected, spec.commandLine().getOut(),
                    spec.commandLine().getErr());
        }
    }
}
