package dev.slipway.rollout;

import java.time.Instant;
import java.util.List;

/** The end of a run: what changed, what was rolled back, and why it stopped if it did. */
public record RolloutReport(String command, String fleet, String tag, String revision, Result result, String why,
        List<InstanceOutcome> instances, List<String> leftovers, Instant started, Instant finished) {

    /** REFUSED: stopped before anything changed; FAILED: stopped after something did (and rolled back its wave). */
    public enum Result {
        SUCCEEDED, NOTHING_TO_DO, REFUSED, FAILED
    }

    public RolloutReport {
        instances = List.copyOf(instances);
        leftovers = List.copyOf(leftovers);
    }

    public boolean failed() {
        return result == Result.FAILED || result == Result.REFUSED;
    }

    public List<InstanceOutcome> with(Outcome outcome) {
        return instances.stream().filter(i -> i.result() == outcome).toList();
    }
}
