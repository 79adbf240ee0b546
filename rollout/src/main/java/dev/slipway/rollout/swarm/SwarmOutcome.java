package dev.slipway.rollout.swarm;

import dev.slipway.plan.InstanceId;

/** What happened to one instance's Swarm service in a rollout: the action taken and how it ended. */
public record SwarmOutcome(InstanceId instance, Action action, Result result, String detail) {
    public enum Action {
        CREATE, UPDATE, UNCHANGED
    }

    public enum Result {
        DONE, UNCHANGED, ROLLED_BACK, REMOVED, NOT_STARTED
    }
}
