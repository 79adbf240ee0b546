package dev.slipway.runner;

import dev.slipway.rollout.DesiredFleet;
import dev.slipway.rollout.Digests;
import dev.slipway.rollout.InstanceStatus;
import dev.slipway.rollout.StatusReader;
import dev.slipway.rollout.engine.ConnectedHosts;
import dev.slipway.rollout.engine.EngineException;
import dev.slipway.rollout.health.HttpHealthGate;
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
        "Exit codes: 0 no drift, 1 refused (invalid fleet, bad option value, unreachable host), "
                + "2 usage error, 4 drift found."})
final class StatusCommand implements Callable<Integer> {
    static final int DRIFT = 4;

    @Mixin
    PlanOptions planning;

    @Mixin
    HostsOptions hosts;

    @Mixin
    TagOption tag;

    @Option(names = "--json", description = "Print the rows as JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!hosts.configured()) {
            throw new UserError("status needs the machines: --host NAME=ENGINE (repeatable) or --hosts-file FILE");
        }
        hosts.check();
        var planned = planning.plan("--tag", tag.tag(), OptionalInt.empty(), Optional.empty());
        DesiredFleet desired = DesiredFleet.of(planned.plan());
        List<InstanceStatus> rows;
        String against;
        try (ConnectedHosts connected = hosts.connect(planned.fleet(), desired)) {
            StatusReader reader = new StatusReader(connected.engines(), HttpHealthGate.standard());
            against = tag.tag().isPresent() ? "--tag" : "the definition's own tag (nothing of it runs)";
            if (tag.tag().isEmpty()) {
                // what is deployed is what the last apply or rollback rolled out, not the definition's git tag
                List<String> deployed = reader.deployedTags(desired.fleet());
                if (!deployed.isEmpty()) {
                    against = "deployed" + (deployed.size() > 1
                            ? "; containers also run " + String.join(", ",
                                    deployed.subList(1, deployed.size()))
                            : "")
                            + (deployed.get(0).equals(desired.tag())
                                    ? ""
                                    : "; the definition's own tag is "
                                            + desired.tag());
                    if (!deployed.get(0).equals(desired.tag())) {
                        desired = DesiredFleet.of(planning.plan("--tag", Optional.of(deployed.get(0)),
                                OptionalInt.empty(), Optional.empty()).plan());
                    }
                }
            }
            rows = reader.read(desired);
        } catch (EngineException e) {
            throw new UserError(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(rows));
        } else {
            out.printf("Fleet %s, desired tag %s (%s)%n", desired.fleet(), desired.tag(), against);
            String machine = null;
            for (InstanceStatus row : rows) {
                if (!row.machine().equals(machine)) {
                    machine = row.machine();
                    out.printf("  %s:%n", machine);
                }
                out.printf("    %-32s desired %s  running %s  %s, docker health %s, /health %s, up %s  drift: %s%n",
                        row.service(), Digests.shortForm(row.desiredDigest()), Digests.shortForm(row.runningDigest()),
                        row.state(), row.dockerHealth().orElse("-"), row.healthAnswer().orElse("-"),
                        row.uptimeSeconds().map(StatusCommand::uptime).orElse("-"),
                        row.drift().name().toLowerCase(Locale.ROOT).replace('_', ' '));
            }
        }
        out.flush();
        return rows.stream().allMatch(r -> r.drift() == InstanceStatus.Drift.NONE) ? 0 : DRIFT;
    }

    static String uptime(long seconds) {
        return seconds >= 3600
                ? seconds / 3600 + "h" + (seconds % 3600) / 60 + "m"
                : seconds >= 60 ? seconds / 60 + "m" + seconds % 60 + "s" : seconds + "s";
    }
}
