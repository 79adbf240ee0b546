package dev.slipway.model;

import java.time.Duration;

/** How a service's health is probed: {@code GET path} on the health port must answer 200 {"status":"ok"}. */
public record HealthCheck(String path, Duration interval, Duration timeout, Duration startPeriod, int retries) {
    /** SPEC: interval 30 s, timeout 10 s, start period 40 s, 3 retries, on {@code /health}. */
    public static final HealthCheck SPEC_DEFAULT = new HealthCheck("/health", Duration.ofSeconds(30),
            Duration.ofSeconds(10), Duration.ofSeconds(40), 3);

    /** The only body a healthy service answers with. */
    public static final String HEALTHY_BODY = "{\"status\":\"ok\"}";

    public HealthCheck withStartPeriod(Duration period) {
        return new HealthCheck(path, interval, timeout, period, retries);
    }

    public HealthCheck withInterval(Duration newInterval) {
        return new HealthCheck(path, newInterval, timeout, startPeriod, retries);
    }
}
