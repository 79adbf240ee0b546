package dev.slipway.rollout;

/** What happened to one instance in a run. */
public enum Outcome {
    CREATED, UPDATED, UNCHANGED, REMOVED, ROLLED_BACK, NOT_STARTED
}
