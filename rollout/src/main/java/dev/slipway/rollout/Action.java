package dev.slipway.rollout;

/** What a rollout does to one instance, like a terraform plan. */
public enum Action {
    CREATE, UPDATE, UNCHANGED, REMOVE
}
