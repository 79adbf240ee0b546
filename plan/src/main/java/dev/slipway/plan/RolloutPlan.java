package dev.slipway.plan;

import java.util.List;

/** The order in which instances are rolled out: the canary wave first, then batches. */
public record RolloutPlan(String canaryMachine, int batchSize, List<Wave> waves) {
    public RolloutPlan {
        waves = List.copyOf(waves);
    }

    public List<Instance> instances() {
        return waves.stream().flatMap(w -> w.instances().stream()).toList();
    }
}
