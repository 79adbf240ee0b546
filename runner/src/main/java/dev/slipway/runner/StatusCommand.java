package dev.slipway.runner;

import dev.slipway.model.ImageReference;
import dev.slipway.plan.FleetPlan;
import dev.slipway.plan.ImageNames;
import dev.slipway.rollout.DesiredFleet;
import dev.slipway.rollout.Digests;
import dev.slipway.rollout.InstanceStatus;
import dev.slipway.rollout.StatusReader;
import dev.slipway.rollout.engine.ConnectedHosts;
import dev.slipway.rollout.engine.EngineException;
import dev.slipway.rollout.health.HttpHealthGate;
import dev.slipway.rollout.swarm.SwarmException;
import dev.slipway.rollout.swarm.SwarmManager;
import dev.slipway.rollout.swarm.SwarmStatusReader;
import java.util.Map;
import java.util.function.Supplier;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true, description = {
        "Per machine and service: desired digest (the tag in the registry) and running digest, "
                + "container state, Docker health and a live GET /health, uptime, and drift. Changes nothing.",
        "With --swarm ENGINE, per instance its service's current task (read from the manager, on any node): "
                + "the desired and the running tag, task state and node, a live GET /health, uptime, and drift.",
        "Exit codes: 0 no drift, 1 refused (invalid fleet, bad option value, unreachable host or manager), "
                + "2 usage error, 4 drift found."})
final class StatusCommand implements Callable<Integer> {
    static final int DRIFT = 4;

    @Mixin
    PlanOptions planning;

    @Mixin
    HostsOptions hosts;

    @Mixin
    SwarmOptions swarm;

    @Mixin
    TagOption tag;

    @Option(names = "--json", description = "Print the rows as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (swarm.configured() && hosts.configured()) {
            throw new UserError("--swarm and --host/--hosts-file exclude each other: a swarm places the services");
        }
        if (!hosts.configured() && !swarm.configured()) {
            throw new UserError("status needs the machines: --host NAME=ENGINE (repeatable) or --hosts-file FILE, "
                    + "or a swarm: --swarm ENGINE");
        }
        hosts.check();
        Map<String, String> gateAddresses = swarm.configured() ? swarm.gateAddresses() : Map.of();
        var planned = planning.plan("--tag", tag.tag(), OptionalInt.empty(), Optional.empty());
        List<InstanceStatus> rows;
        Against against;
        if (swarm.configured()) {
            try (SwarmManager manager = swarm.connect()) {
                SwarmStatusReader reader = new SwarmStatusReader(manager, HttpHealthGate.standard(), gateAddresses);
                against = against(planned.plan(), () -> reader.deployedTags(planned.plan().fleet()));
                rows = reader.read(against.plan());
            } catch (SwarmException e) {
                throw new UserError(e.getMessage());
            }
        } else {
            DesiredFleet desired = DesiredFleet.of(planned.plan());
            try (ConnectedHosts connected = hosts.connect(planned.fleet(), desired)) {
                StatusReader reader = new StatusReader(connected.engines(), HttpHealthGate.standard());
                against = against(planned.plan(), () -> reader.deployedTags(desired.fleet()));
                rows = reader.read(DesiredFleet.of(against.plan()));
            } catch (EngineException e) {
                throw new UserError(e.getMessage());
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(rows));
        } else {
            out.printf("Fleet %s, desired tag %s (%s)%n", against.plan().fleet(), against.plan().tag(), against.why());
            String machine = null;
            for (InstanceStatus row : rows) {
                if (!row.machine().equals(machine)) {
                    machine = row.machine();
                    out.printf("  %s:%n", machine);
                }
                if (swarm.configured()) {
                    // a swarm's tasks run tags: the manager knows no digest, nor the container's Docker health
                    out.printf("    %-32s desired %s  running %s  task %s, /health %s, up %s  drift: %s%n",
                            row.service(), tagOf(row.desiredImage(), row.machine()),
                            tagOf(row.runningImage(), row.machine()), row.state(), row.healthAnswer().orElse("-"),
                            row.uptimeSeconds().map(StatusCommand::uptime).orElse("-"), drift(row));
                } else {
                    out.printf("    %-32s desired %s  running %s  %s, docker health %s, /health %s, up %s  drift: "
                            + "%s%n", row.service(), Digests.shortForm(row.desiredDigest()),
                            Digests.shortForm(row.runningDigest()), row.state(), row.dockerHealth().orElse("-"),
                            row.healthAnswer().orElse("-"), row.uptimeSeconds().map(StatusCommand::uptime).orElse("-"),
                            drift(row));
                }
            }
        }
        out.flush();
        return rows.stream().allMatch(r -> r.drift() == InstanceStatus.Drift.NONE) ? 0 : DRIFT;
    }

    /** The plan status compares with, and why that one. */
    private record Against(FleetPlan plan, String why) {
    }

    /**
     * With --tag, its plan; without, the plan of what is deployed: what the last apply or rollback rolled out, not
     * the definition's git tag.
     */
    private Against against(FleetPlan own, Supplier<List<String>> deployedTags) {
        if (tag.tag().isPresent()) {
            return new Against(own, "--tag");
        }
        List<String> deployed = deployedTags.get();
        if (deployed.isEmpty()) {
            return new Against(own, "the definition's own tag (nothing of it runs)");
        }
        String why = "deployed" + (deployed.size() > 1
                ? "; " + (swarm.configured() ? "services" : "containers") + " also run "
                        + String.join(", ", deployed.subList(1, deployed.size()))
                : "") + (deployed.get(0).equals(own.tag()) ? "" : "; the definition's own tag is " + own.tag());
        FleetPlan plan = deployed.get(0).equals(own.tag())
                ? own
                : planning.plan("--tag", Optional.of(deployed.get(0)), OptionalInt.empty(), Optional.empty()).plan();
        return new Against(plan, why);
    }

    private static String drift(InstanceStatus row) {
        return row.drift().name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** The fleet tag a service image was built under, else its whole reference; "-" for none. */
    private static String tagOf(Optional<String> image, String machine) {
        if (image.isEmpty()) {
            return "-";
        }
        try {
            return ImageNames.fleetTag(ImageReference.parse(image.get()), machine).orElse(image.get());
        } catch (IllegalArgumentException notSlipways) {
            return image.get();
        }
    }

    static String uptime(long seconds) {
        return seconds >= 3600
                ? seconds / 3600 + "h" + (seconds % 3600) / 60 + "m"
                : seconds >= 60 ? seconds / 60 + "m" + seconds % 60 + "s" : seconds + "s";
    }
}
