package dev.slipway.runner;

import dev.slipway.plan.InstanceId;
import dev.slipway.plan.InstancePlan;
import dev.slipway.rollout.DesiredFleet;
import dev.slipway.rollout.DesiredInstance;
import dev.slipway.rollout.engine.ConnectedHosts;
import dev.slipway.rollout.engine.DockerEngine;
import dev.slipway.rollout.engine.EngineException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "logs", mixinStandardHelpOptions = true, description = {
        "Print a service's container logs (stdout and stderr) through the Engine API of its machine. "
                + "A service on several machines without @MACHINE: each machine's logs, every line prefixed with "
                + "its machine.",
        "Changes nothing."})
final class LogsCommand implements Callable<Integer> {
    private static final Pattern RELATIVE = Pattern.compile("([0-9]+)([smhd])");

    @Mixin
    PlanOptions planning;

    @Mixin
    HostsOptions hosts;

    @Parameters(index = "0", paramLabel = "SERVICE[@MACHINE]", description = "The service, optionally on one machine.")
    String target;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until interrupted.")
    boolean follow;

    @Option(names = "--since", paramLabel = "WHEN", description = "Only lines since WHEN: a duration back from now (30s, 10m, 2h, 1d) or an instant "
            + "(2026-12-01T10:00:00Z).")
    String since;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!hosts.configured()) {
            throw new UserError("logs needs the machines: --host NAME=ENGINE (repeatable) or --hosts-file FILE");
        }
        long sinceSeconds = since == null ? 0 : sinceEpochSeconds(since, Instant.now());
        var planned = planning.plan("--tag", Optional.empty(), OptionalInt.empty(), Optional.empty());
        DesiredFleet desired = DesiredFleet.of(planned.plan());
        List<DesiredInstance> instances = instances(desired);
        PrintWriter out = spec.commandLine().getOut();
        try (ConnectedHosts connected = hosts.connect(planned.fleet(), desired)) {
            boolean prefix = instances.size() > 1;
            List<Thread> readers = new ArrayList<>();
            List<EngineException> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (DesiredInstance instance : instances) {
                DockerEngine engine = connected.engines().stream()
                        .filter(e -> e.machine().equals(instance.machine())).findFirst().orElseThrow();
                Runnable read = () -> {
                    try {
                        engine.logs(instance.containerName(), follow, sinceSeconds,
                                chunk -> print(out, prefix ? instance.machine() + " | " : "", chunk));
                    } catch (EngineException e) {
                        failures.add(e);
                    }
                };
                if (follow && prefix) {
                    Thread reader = new Thread(read, "logs-" + instance.machine());
                    reader.start();
                    readers.add(reader);
                } else {
                    read.run();
                }
            }
            for (Thread reader : readers) {
                reader.join();
            }
            out.flush();
            if (!failures.isEmpty()) {
                throw new UserError(failures.stream().map(EngineException::getMessage).toList());
            }
        }
        return 0;
    }

    private List<DesiredInstance> instances(DesiredFleet desired) {
        String service = target;
        Optional<String> machine = Optional.empty();
        if (target.indexOf(InstanceId.SEPARATOR) >= 0) {
            InstanceId id;
            try {
                id = InstanceId.parse(target);
            } catch (IllegalArgumentException e) {
                throw new UserError("logs: " + e.getMessage());
            }
            service = id.service();
            machine = Optional.of(id.machine());
        }
        String wanted = service;
        List<InstancePlan> running = desired.plan().instances().stream().filter(i -> i.service().equals(wanted))
                .toList();
        if (running.isEmpty()) {
            throw new UserError("logs: '" + service + "' is not a service of fleet " + desired.fleet());
        }
        if (machine.isPresent()) {
            String on = machine.get();
            if (running.stream().noneMatch(i -> i.machine().equals(on))) {
                throw new UserError("logs: " + service + " does not run on " + on + "; it runs on "
                        + String.join(", ", running.stream().map(InstancePlan::machine).toList()));
            }
            return List.of(desired.instance(new InstanceId(service, on)));
        }
        return running.stream().map(i -> desired.instance(i.id())).toList();
    }

    private static synchronized void print(PrintWriter out, String prefix, String chunk) {
        if (prefix.isEmpty()) {
            out.print(chunk);
        } else {
            for (String line : chunk.split("\n", -1)) {
                if (!line.isEmpty()) {
                    out.println(prefix + line);
                }
            }
        }
        out.flush();
    }

    /** {@code 10m} back from {@code now}, or an ISO instant; a {@link UserError} saying what was expected. */
    static long sinceEpochSeconds(String text, Instant now) {
        Matcher relative = RELATIVE.matcher(text.strip());
        if (relative.matches()) {
            long amount = Long.parseLong(relative.group(1));
            Duration back = switch (relative.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
            return Math.max(1, now.minus(back).getEpochSecond());
        }
        try {
            return Instant.parse(text.strip()).getEpochSecond();
        } catch (DateTimeParseException e) {
            throw new UserError("--since: '" + text + "' is neither a duration (30s, 10m, 2h, 1d) nor an instant "
                    + "(2026-12-01T10:00:00Z)");
        }
    }
}
