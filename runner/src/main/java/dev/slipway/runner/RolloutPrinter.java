package dev.slipway.runner;

import dev.slipway.plan.RolloutPlan;
import dev.slipway.plan.Wave;
import dev.slipway.rollout.Action;
import dev.slipway.rollout.Digests;
import dev.slipway.rollout.InstanceChange;
import dev.slipway.rollout.InstanceOutcome;
import dev.slipway.rollout.LivePlan;
import dev.slipway.rollout.Outcome;
import dev.slipway.rollout.PlannedWave;
import dev.slipway.rollout.RolloutEvent;
import dev.slipway.rollout.RolloutListener;
import dev.slipway.rollout.RolloutReport;
import java.io.PrintWriter;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Prints rollout events as they happen, live plans like a terraform plan, and the final report. */
final class RolloutPrinter implements RolloutListener {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private final PrintWriter out;

    RolloutPrinter(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void on(RolloutEvent event) {
        out.println(LocalTime.now().format(TIME) + "  " + event.describe());
        out.flush();
    }

    /** The planned waves: canary first, then batches; {@code note}, when not empty, follows the first line. */
    static void printWaves(RolloutPlan plan, String note, PrintWriter out) {
        out.printf("Rollout: canary on %s, then batches of %d%s%n", plan.canaryMachine(), plan.batchSize(),
                note.isEmpty() ? "" : "; " + note);
        for (Wave wave : plan.waves()) {
            out.printf("  wave %d (%s): %s%n", wave.number(), wave.kind().name().toLowerCase(Locale.ROOT),
                    wave.instances().stream().map(i -> i.id().toString()).collect(Collectors.joining(", ")));
        }
    }

    static void printPlan(LivePlan plan, PrintWriter out) {
        out.printf("Live changes for fleet %s, tag %s:%n", plan.fleet(), plan.tag());
        String machine = null;
        for (InstanceChange change : plan.changes().stream()
                .sorted(java.util.Comparator.comparing(InstanceChange::machine)).toList()) {
            if (!change.machine().equals(machine)) {
                machine = change.machine();
                out.printf("  %s:%n", machine);
            }
            out.printf("    %s %-32s %s%n", symbol(change.action()), change.service(), describe(change));
        }
        out.printf("  %d to create, %d to update, %d unchanged, %d to remove%n", plan.count(Action.CREATE),
                plan.count(Action.UPDATE), plan.count(Action.UNCHANGED), plan.count(Action.REMOVE));
        if (plan.waves().isEmpty()) {
            out.println("  no waves: nothing to roll out");
        }
        for (PlannedWave wave : plan.waves()) {
            out.printf("  wave %d (%s): %s%n", wave.number(), wave.kind().name().toLowerCase(Locale.ROOT),
                    wave.changes().stream().map(c -> c.id().toString()).collect(Collectors.joining(", ")));
        }
    }

    private static String symbol(Action action) {
        return switch (action) {
            case CREATE -> "+";
            case UPDATE -> "~";
            case UNCHANGED -> "=";
            case REMOVE -> "-";
        };
    }

    /** Digests where both are known (hosts ask their registry); the images otherwise (a swarm's services). */
    private static String describe(InstanceChange change) {
        return switch (change.action()) {
            case CREATE -> "create " + change.toImage().orElse("")
                    + change.toDigest().map(d -> " (" + Digests.shortForm(d) + ")").orElse("");
            case UPDATE -> change.fromDigest().isPresent() && change.toDigest().isPresent()
                    ? "update " + Digests.shortForm(change.fromDigest()) + " -> " + Digests.shortForm(change.toDigest())
                            + " (" + change.reason() + "; " + change.toImage().orElse("") + ")"
                    : "update " + change.fromImage().orElse("(unknown)") + " -> " + change.toImage().orElse("")
                            + " (" + change.reason() + ")";
            case UNCHANGED -> "unchanged " + change.fromDigest().map(Digests::shortForm)
                    .or(change::fromImage).orElse("(unknown)");
            case REMOVE -> "remove " + change.container() + " (" + change.reason() + ")";
        };
    }

    static void printReport(RolloutReport report, PrintWriter out) {
        out.println();
        out.printf("%s of fleet %s to tag %s: %s (%s)%n", report.command(), report.fleet(), report.tag(),
                report.result().name().toLowerCase(Locale.ROOT).replace('_', ' '), report.why());
        for (String leftover : report.leftovers()) {
            out.println("  resolved leftover: " + leftover);
        }
        List<InstanceOutcome> instances = report.instances();
        for (InstanceOutcome i : instances) {
            out.printf("  %-12s %-40s %s -> %s%s%s%n", i.result().name().toLowerCase(Locale.ROOT).replace('_', ' '),
                    i.id(), Digests.shortForm(i.from()), Digests.shortForm(i.to()),
                    i.downtimeMillis().map(ms -> ", downtime " + ms + " ms").orElse(""),
                    i.detail().isEmpty() || i.result() == Outcome.UNCHANGED ? "" : "  [" + i.detail() + "]");
        }
        out.flush();
    }
}
