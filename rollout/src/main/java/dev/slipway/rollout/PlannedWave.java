package dev.slipway.rollout;

import dev.slipway.plan.Wave;
import java.util.List;

/** A wave of the rollout plan reduced to the instances that actually change. */
public record PlannedWave(int number, Wave.Kind kind, List<InstanceChange> changes) {
    public PlannedWave {
        changes = List.copyOf(changes);
    }
}
