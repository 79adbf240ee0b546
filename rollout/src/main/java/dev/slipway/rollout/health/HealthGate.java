package dev.slipway.rollout.health;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Decides whether a freshly started container may take over: a strategy object in the Testcontainers sense,
 * {@code HttpHealthGate.standard().pollingEvery(Duration.ofMillis(50))}. Where to probe is the instance's
 * {@link HealthEndpoint}, from the same health check the image and the engine carry.
 */
public interface HealthGate {

    /** One probe, now. */
    HealthAnswer probe(String address, HealthEndpoint endpoint);

    /**
     * Probes until an answer is healthy or {@code within} has passed; stops early when {@code stillRunning} says
     * the container is gone, since a dead container will not become healthy.
     */
    GateVerdict await(String address, HealthEndpoint endpoint, Duration within, BooleanSupplier stillRunning);
}
