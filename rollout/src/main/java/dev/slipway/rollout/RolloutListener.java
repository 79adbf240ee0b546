package dev.slipway.rollout;

/** Receives rollout events as they happen. */
@FunctionalInterface
public interface RolloutListener {
    RolloutListener IGNORE = event -> {
    };

    void on(RolloutEvent event);
}
