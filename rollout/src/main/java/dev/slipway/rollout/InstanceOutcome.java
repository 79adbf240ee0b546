package dev.slipway.rollout;

import dev.slipway.plan.InstanceId;
import java.util.Optional;

/** One instance in a run's report and audit line: from, to, result, cutover downtime, and why. */
public record InstanceOutcome(String machine, String service, Action action, Optional<String> from,
        Optional<String> to, Outcome result, Optional<Long> downtimeMillis, String detail) {

    public InstanceId id() {
        return new InstanceId(service, machine);
    }
}
