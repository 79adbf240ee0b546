package dev.slipway.plan;

import java.util.List;

/** The Docker health check written into a service image's config. Durations are in seconds. */
public record HealthCheckPlan(List<String> test, int port, String path, long intervalSeconds, long timeoutSeconds,
        long startPeriodSeconds, int retries) {

    public HealthCheckPlan {
        test = List.copyOf(test);
    }
}
