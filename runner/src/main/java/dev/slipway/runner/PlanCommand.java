package dev.slipway.runner;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.slipway.plan.BuildIdentity;
import dev.slipway.plan.ImagePlan;
import dev.slipway.plan.ImagePlanner;
import dev.slipway.plan.Instance;
import dev.slipway.plan.LayerPlan;
import dev.slipway.plan.RolloutPlan;
import dev.slipway.plan.RolloutPlanner;
import dev.slipway.plan.Wave;
import dev.slipway.rollout.DesiredFleet;
import dev.slipway.rollout.FleetRollout;
import dev.slipway.rollout.LivePlan;
import dev.slipway.rollout.RolloutListener;
import dev.slipway.rollout.engine.ConnectedHosts;
import dev.slipway.rollout.engine.EngineException;
import dev.slipway.rollout.health.HttpHealthGate;
import dev.slipway.validation.Fleet;
import java.time.Duration;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Show what would be built (every image: base, layers, user, entrypoint, ports, env, labels) "
                + "and the rollout order (canary wave, then batches). With --host/--hosts-file also what runs "
                + "there: per machine and service create, update (old digest -> new), unchanged or remove, and the "
                + "waves that would carry it. Changes nothing.")
final class PlanCommand implements Callable<Integer> {
    @Mixin
    FleetOptions options;

    @Mixin
    HostsOptions hosts;

    @Option(names = "--json", description = "Print the plan as JSON (byte-identical for the same definition).")
    boolean json;

    @Option(names = "--tag", paramLabel = "TAG", description = "Image tag. Default: YYYYMMDD-<short sha> of the "
            + "definition's git HEAD commit.")
    String tag;

    @Option(names = "--registry", paramLabel = "HOST[:PORT]/ORG",
            description = "Replaces the fleet's registry in every image name (as build, apply and rollback do).")
    String registry;

    @Option(names = "--batch-size", paramLabel = "N", description = "Instances per batch after the canary wave. "
            + "Default: the fleet's rollout setting.")
    Integer batchSize;

    @Spec
    CommandSpec spec;

    /** The plan as data: what {@code --json} prints; {@code live} only with hosts. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record PlanDocument(String fleet, String tag, String revision, List<ImagePlan> images, RolloutPlan rollout,
            LivePlan live) {
    }

    @Override
    public Integer call() {
        FleetSource source = options.load();
        Fleet fleet = registry == null ? source.compile()
                : new FleetSource(source.spec().registry(registry), source.directory(), source.origin()).compile();
        BuildIdentity build = GitRevision.of(source.directory(), Optional.ofNullable(tag));
        if (batchSize != null && batchSize < 1) {
            throw new UserError("--batch-size: " + batchSize + " is not positive; expected 1 or more");
        }
        RolloutPlan rollout = RolloutPlanner.plan(fleet, build,
                batchSize == null ? fleet.rollout().batchSize() : batchSize);
        LivePlan live = hosts.configured() ? livePlan(fleet, DesiredFleet.of(fleet, build, rollout.batchSize()))
                : null;
        PlanDocument plan = new PlanDocument(fleet.name(), build.tag(), build.revision(),
                ImagePlanner.plan(fleet, build), rollout, live);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(plan));
        } else {
            printText(plan, out);
            if (live != null) {
                out.println();
                RolloutPrinter.printPlan(live, out);
            }
        }
        return 0;
    }

    /** What differs between the definition and what the hosts run; reads only, takes no lock. */
    private LivePlan livePlan(Fleet fleet, DesiredFleet desired) {
        try (ConnectedHosts connected = hosts.connect(fleet, desired)) {
            return new FleetRollout(connected.engines(), HttpHealthGate.forPath("/health"), RolloutListener.IGNORE,
                    Duration.ofSeconds(10)).plan(desired);
        } catch (EngineException e) {
            throw new UserError(e.getMessage());
        }
    }

    private static void printText(PlanDocument plan, PrintWriter out) {
        out.printf("Fleet %s, tag %s (revision %s)%n%n", plan.fleet(), plan.tag(), plan.revision());
        out.printf("Images (%d):%n", plan.images().size());
        for (ImagePlan image : plan.images()) {
            out.printf("  %s%n", image.image());
            out.printf("      base: %s%n", image.base());
            for (LayerPlan layer : image.layers()) {
                out.printf("      layer %s: %s -> %s%n", layer.name(), layer.source(), layer.destination());
            }
            if (image.kind() == ImagePlan.Kind.SERVICE) {
                out.printf("      user %s, entrypoint %s, cmd %s%n", image.user(), image.entrypoint(), image.cmd());
                out.printf("      ports %s, health check on %d%n", image.exposedPorts(),
                        image.healthCheck().orElseThrow().port());
            }
            if (!image.env().isEmpty()) {
                out.printf("      env: %s%n", image.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(" ")));
            }
        }
        RolloutPlan rollout = plan.rollout();
        out.printf("%nRollout: canary on %s, then batches of %d%n", rollout.canaryMachine(), rollout.batchSize());
        for (Wave wave : rollout.waves()) {
            out.printf("  wave %d (%s): %s%n", wave.number(), wave.kind().name().toLowerCase(java.util.Locale.ROOT),
                    wave.instances().stream().map(Instance::id).collect(Collectors.joining(", ")));
        }
    }
}
