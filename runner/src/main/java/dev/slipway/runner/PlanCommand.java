package dev.slipway.runner;

import dev.slipway.plan.BuildIdentity;
import dev.slipway.plan.ImagePlan;
import dev.slipway.plan.ImagePlanner;
import dev.slipway.plan.Instance;
import dev.slipway.plan.LayerPlan;
import dev.slipway.plan.RolloutPlan;
import dev.slipway.plan.RolloutPlanner;
import dev.slipway.plan.Wave;
import dev.slipway.validation.Fleet;
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
                + "and the rollout order (canary wave, then batches). Changes nothing.")
final class PlanCommand implements Callable<Integer> {
    @Mixin
    FleetOptions options;

    @Option(names = "--json", description = "Print the plan as JSON (byte-identical for the same definition).")
    boolean json;

    @Option(names = "--tag", paramLabel = "TAG", description = "Image tag. Default: YYYYMMDD-<short sha> of the "
            + "definition's git HEAD commit.")
    String tag;

    @Option(names = "--batch-size", paramLabel = "N", description = "Instances per batch after the canary wave. "
            + "Default: the fleet's rollout setting.")
    Integer batchSize;

    @Spec
    CommandSpec spec;

    /** The plan as data: what {@code --json} prints. */
    record PlanDocument(String fleet, String tag, String revision, List<ImagePlan> images, RolloutPlan rollout) {
    }

    @Override
    public Integer call() {
        FleetSource source = options.load();
        Fleet fleet = source.compile();
        BuildIdentity build = GitRevision.of(source.directory(), Optional.ofNullable(tag));
        if (batchSize != null && batchSize < 1) {
            throw new UserError("--batch-size: " + batchSize + " is not positive; expected 1 or more");
        }
        RolloutPlan rollout = RolloutPlanner.plan(fleet, build,
                batchSize == null ? fleet.rollout().batchSize() : batchSize);
        PlanDocument plan = new PlanDocument(fleet.name(), build.tag(), build.revision(),
                ImagePlanner.plan(fleet, build), rollout);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(plan));
        } else {
            printText(plan, out);
        }
        return 0;
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
