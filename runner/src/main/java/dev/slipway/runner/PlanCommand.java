package dev.slipway.runner;

import dev.slipway.plan.FleetPlan;
import dev.slipway.plan.ImagePlan;
import dev.slipway.plan.InstanceId;
import dev.slipway.plan.LayerPlan;
import dev.slipway.plan.RuntimePlan;
import java.util.HashMap;
import java.util.Map;
import dev.slipway.rollout.DesiredFleet;
import dev.slipway.rollout.FleetRollout;
import dev.slipway.rollout.LivePlan;
import dev.slipway.rollout.RolloutListener;
import dev.slipway.rollout.engine.ConnectedHosts;
import dev.slipway.rollout.engine.EngineException;
import dev.slipway.rollout.health.HttpHealthGate;
import dev.slipway.rollout.swarm.SwarmException;
import dev.slipway.rollout.swarm.SwarmLivePlanner;
import dev.slipway.rollout.swarm.SwarmManager;
import java.time.Duration;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "plan", mixinStandardHelpOptions = true, description = {
        "Show what would be built (every image: base, layers, user, entrypoint, ports, env, labels) "
                + "and the rollout order (canary wave, then batches). With --host/--hosts-file also what runs "
                + "there: per machine and service create, update (old digest -> new), unchanged or remove, and the "
                + "waves that would carry it. With --swarm ENGINE the same against the services the swarm runs: "
                + "create, update (old image -> new) or unchanged, as apply --swarm decides it. --html/--dot draw "
                + "the same as a page or a graph. Changes nothing.",
        "Exit codes: 0 planned, 1 refused (invalid fleet, bad option value, unreachable host or manager, a "
                + "setting Swarm cannot express), 2 usage error."})
final class PlanCommand implements Callable<Integer> {
    @Mixin
    PlanOptions planning;

    @Mixin
    TagOption tag;

    @Mixin
    BatchSizeOption batch;

    @Mixin
    HostsOptions hosts;

    @Mixin
    SwarmOptions swarm;

    @Mixin
    PictureOptions pictures;

    @Option(names = "--json", description = "Print the plan as JSON (byte-identical for the same definition; "
            + "schema: docs/plan-json.md).")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (swarm.configured() && hosts.configured()) {
            throw new UserError("--swarm and --host/--hosts-file exclude each other: a swarm places the services");
        }
        hosts.check();
        pictures.check();
        var planned = planning.plan("--tag", tag.tag(), batch.batchSize(), Optional.empty());
        FleetPlan plan = planned.plan();
        LivePlan live = hosts.configured() ? livePlan(planned) : swarm.configured() ? swarmLivePlan(plan) : null;
        PrintWriter out = spec.commandLine().getOut();
        pictures.write(planned, Optional.ofNullable(live), out);
        if (pictures.requested() && !json) {
            return 0;
        }
        if (json) {
            out.println(Json.write(PlanDocument.of(plan, live)));
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
    private LivePlan livePlan(PlanOptions.PlannedFleet planned) {
        DesiredFleet desired = DesiredFleet.of(planned.plan());
        try (ConnectedHosts connected = hosts.connect(planned.fleet(), desired)) {
            return new FleetRollout(connected.engines(), HttpHealthGate.standard(), RolloutListener.IGNORE,
                    Duration.ofSeconds(10)).plan(desired);
        } catch (EngineException e) {
            throw new UserError(e.getMessage());
        }
    }

    /** What differs between the plan and the services the swarm runs; reads only, takes no lock. */
    private LivePlan swarmLivePlan(FleetPlan plan) {
        SwarmOptions.refuseWhatSwarmCannotExpress(plan);
        try (SwarmManager manager = swarm.connect()) {
            return SwarmLivePlanner.plan(manager, plan);
        } catch (SwarmException e) {
            throw new UserError(e.getMessage());
        }
    }

    private static void printText(FleetPlan plan, PrintWriter out) {
        out.printf("Fleet %s, tag %s (revision %s)%n%n", plan.fleet(), plan.tag(), plan.build().revision());
        out.printf("Images (%d):%n", plan.images().size());
        Map<InstanceId, RuntimePlan> runtimes = new HashMap<>();
        plan.instances().forEach(i -> runtimes.put(i.id(), i.runtime()));
        for (ImagePlan image : plan.images()) {
            out.printf("  %s%n", image.image());
            out.printf("      base: %s%n", image.base());
            for (LayerPlan layer : image.layers()) {
                out.printf("      layer %s: %s -> %s%n", layer.kind(), layer.source(), layer.destination());
            }
            if (image.kind() == ImagePlan.Kind.SERVICE) {
                out.printf("      user %s, entrypoint %s, cmd %s%n", image.user(), image.entrypoint(), image.cmd());
                out.printf("      ports %s, health check on %s (GET %s)%n", image.exposedPorts(),
                        image.healthCheck().orElseThrow().port(), image.healthCheck().orElseThrow().path());
                RuntimePlan runtime = runtimes.getOrDefault(new InstanceId(image.name(), image.machine().orElseThrow()),
                        RuntimePlan.DEFAULT);
                out.printf("      runs with: %s%n", String.join("; ", runtime.describe()));
            }
            image.imageHealthCheck().ifPresent(check -> out.printf("      health check in the image: GET "
                    + "127.0.0.1:$HEALTH_PORT$HEALTH_PATH every %d s (timeout %d s, start period %d s, %d retries)%n",
                    check.intervalSeconds(), check.timeoutSeconds(), check.startPeriodSeconds(), check.retries()));
            if (!image.env().isEmpty()) {
                out.printf("      env: %s%n", image.env().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(" ")));
            }
        }
        out.println();
        RolloutPrinter.printWaves(plan.rollout(), "", out);
    }
}
