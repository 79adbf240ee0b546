package dev.slipway.rollout.swarm;

import dev.slipway.plan.FleetPlan;
import dev.slipway.rollout.Action;
import dev.slipway.rollout.InstanceOutcome;
import dev.slipway.rollout.Outcome;
import dev.slipway.rollout.RolloutReport;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A Swarm rollout's outcome per instance, and why it stopped when it did. */
public record SwarmReport(boolean succeeded, List<SwarmOutcome> outcomes, String why, Instant started,
        Instant finished) {
    public SwarmReport {
        outcomes = List.copyOf(outcomes);
    }

    public boolean changedNothing() {
        return outcomes.stream().allMatch(o -> o.action() == SwarmOutcome.Action.UNCHANGED);
    }

    /** The same run as the Docker hosts report it, for the audit log: one line per run, the same fields. */
    public RolloutReport asRolloutReport(String command, FleetPlan plan) {
        List<InstanceOutcome> instances = outcomes.stream().map(o -> new InstanceOutcome(o.instance().machine(),
                o.instance().service(), action(o.action()), o.from(), o.to(), outcome(o), Optional.empty(),
                o.detail())).toList();
        RolloutReport.Result result = !succeeded
                ? RolloutReport.Result.FAILED
                : changedNothing() ? RolloutReport.Result.NOTHING_TO_DO : RolloutReport.Result.SUCCEEDED;
        return new RolloutReport(command, plan.fleet(), plan.tag(), plan.build().revision(), result, why, instances,
                List.of(), started, finished);
    }

    private static Action action(SwarmOutcome.Action action) {
        return switch (action) {
            case CREATE -> Action.CREATE;
            case UPDATE -> Action.UPDATE;
            case UNCHANGED -> Action.UNCHANGED;
        };
    }

    /** A service its failed wave created and then removed was rolled back as much as an updated one. */
    private static Outcome outcome(SwarmOutcome outcome) {
        return switch (outcome.result()) {
            case DONE -> outcome.action() == SwarmOutcome.Action.CREATE ? Outcome.CREATED : Outcome.UPDATED;
            case UNCHANGED -> Outcome.UNCHANGED;
            case ROLLED_BACK, REMOVED -> Outcome.ROLLED_BACK;
            case NOT_STARTED -> Outcome.NOT_STARTED;
        };
    }
}
