package dev.slipway.rollout.swarm;

import dev.slipway.plan.InstanceId;
import java.util.Optional;

/**
 * What happened to one instance's Swarm service in a rollout: the action taken, how it ended, the image it ran
 * before (none for a new service) and the image it was to run.
 */
public record SwarmOutcome(InstanceId instance, Action action, Result result, Optional<String> from,
        Optional<String> to, String detail) {
    public enum Action {
        CREATE, UPDATE, UNCHANGED
    }

    public enum Result {
        DONE, UNCHANGED, ROLLED_BACK, REMOVED, NOT_STARTED
    }
}
