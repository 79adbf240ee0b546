package dev.slipway.plan;

import dev.slipway.dsl.HealthProbe;
import dev.slipway.model.HealthCheck;
import dev.slipway.model.Port;
import java.util.List;

/**
 * How an instance's health is checked, once for every reader: Docker's check on the container ({@code test}, the
 * timings) and Slipway's rollout gate ({@code GET path} on {@code port}). Durations in seconds. The check an image
 * carries for {@code docker run} by hand is its {@link ImageHealthCheck}, from the same probe and timings.
 */
public record HealthCheckPlan(List<String> test, Port port, String path, long intervalSeconds, long timeoutSeconds,
        long startPeriodSeconds, int retries) {

    public HealthCheckPlan {
        test = List.copyOf(test);
    }

    /** What {@code probe} runs against {@code port} and the path of {@code check}, at its timings. */
    static HealthCheckPlan of(HealthProbe probe, Port port, HealthCheck check) {
        return new HealthCheckPlan(probe.command(port.number(), check.path()), port, check.path(),
                check.interval().toSeconds(), check.timeout().toSeconds(), check.startPeriod().toSeconds(),
                check.retries());
    }
}
