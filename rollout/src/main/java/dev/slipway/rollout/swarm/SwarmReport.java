package dev.slipway.rollout.swarm;

import java.util.List;

/** A Swarm rollout's outcome per instance, and why it stopped when it did. */
public record SwarmReport(boolean succeeded, List<SwarmOutcome> outcomes, String why) {
    public SwarmReport {
        outcomes = List.copyOf(outcomes);
    }

    public boolean changedNothing() {
        return outcomes.stream().allMatch(o -> o.action() == SwarmOutcome.Action.UNCHANGED);
    }
}
