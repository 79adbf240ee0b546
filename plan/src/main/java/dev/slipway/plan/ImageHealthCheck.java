package dev.slipway.plan;

import dev.slipway.dsl.HealthProbe;
import dev.slipway.model.HealthCheck;
import java.util.List;

/**
 * Docker's health check as an image's config carries it, so {@code docker run} of the image by hand reports health:
 * the family's probe of the port and path a service image names in its env ({@link HealthProbe#PORT_VARIABLE},
 * {@link HealthProbe#PATH_VARIABLE}), with the SPEC's timings. Each instance's {@link HealthCheckPlan}, set on the
 * container at deploy time, overrides it. Durations in seconds.
 */
public record ImageHealthCheck(List<String> test, long intervalSeconds, long timeoutSeconds, long startPeriodSeconds,
        int retries) {

    public ImageHealthCheck {
        test = List.copyOf(test);
    }

    /** What {@code probe} runs, reading port and path from the env, at the timings of {@code check}. */
    static ImageHealthCheck of(HealthProbe probe, HealthCheck check) {
        return new ImageHealthCheck(probe.commandFromEnvironment(), check.interval().toSeconds(),
                check.timeout().toSeconds(), check.startPeriod().toSeconds(), check.retries());
    }
}
