package dev.slipway.plan;

import java.util.List;

/** Instances rolled out together; the next wave starts only when every instance of this one is healthy. */
public record Wave(int number, Kind kind, List<Instance> instances) {
    public enum Kind {
        CANARY, BATCH
    }

    public Wave {
        instances = List.copyOf(instances);
    }
}
