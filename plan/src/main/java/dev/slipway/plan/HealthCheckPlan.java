package dev.slipway.plan;

import dev.slipway.model.Port;
import java.util.List;

/**
 * How an instance's health is checked, once for every reader: Docker's check in the image and on the container
 * ({@code test}, the timings) and Slipway's rollout gate ({@code GET path} on {@code port}). Durations in seconds.
 */
public record HealthCheckPlan(List<String> test, Port port, String path, long intervalSeconds, long timeoutSeconds,
        long startPeriodSeconds, int retries) {

    public HealthCheckPlan {
        test = List.copyOf(test);
    }
}
