package dev.slipway.rollout.health;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Decides whether a freshly started container may take over: a strategy object in the Testcontainers sense,
 * {@code HttpHealthGate.forPath("/health").pollingEvery(Duration.ofMillis(50))}.
 */
public interface HealthGate {

    /** One probe, now. */
    HealthAnswer probe(String address, int port);

    /**
     * Probes until an answer is healthy or {@code within} has passed; stops early when {@code stillRunning} says
     * the container is gone, since a dead container will not become healthy.
     */
    GateVerdict await(String address, int port, Duration within, BooleanSupplier stillRunning);
}
