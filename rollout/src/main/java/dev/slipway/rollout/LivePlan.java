package dev.slipway.rollout;

import java.util.List;

/** The difference between the definition and what runs: per instance what changes, and the waves that carry it. */
public record LivePlan(String fleet, String tag, List<InstanceChange> changes, List<PlannedWave> waves) {
    public LivePlan {
        changes = List.copyOf(changes);
        waves = List.copyOf(waves);
    }

    public boolean changesNothing() {
        return changes.stream().noneMatch(InstanceChange::changes);
    }

    public List<InstanceChange> removals() {
        return changes.stream().filter(c -> c.action() == Action.REMOVE).toList();
    }

    public long count(Action action) {
        return changes.stream().filter(c -> c.action() == action).count();
    }
}
