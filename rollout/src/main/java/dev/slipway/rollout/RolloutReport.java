package dev.slipway.rollout;

import java.time.Instant;
import java.util.List;

/** The end of a run: what changed, what was rolled back, and why it stopped if it did. */
public record RolloutReport(String command, String fleet, String tag, String revision, Result result, String why,
        List<InstanceOutcome> instances, List<String> leftovers, Instant started, Instant finished) {

    public enum Result { SUCCEEDED, NOTHING_TO_DO, FAILED }

    public RolloutReport {
        instances = List.copyOf(instances);
        leftovers = List.copyOf(leftovers);
    }

    public boolean failed() {
        return result == Result.FAILED;
    }

    public List<InstanceOutcome> with(Outcome outcome) {
        return instances.stream().filter(i -> i.result() == outcome).toList();
    }
}
