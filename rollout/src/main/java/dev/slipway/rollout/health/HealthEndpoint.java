package dev.slipway.rollout.health;

import dev.slipway.model.Port;
import dev.slipway.plan.HealthCheckPlan;

/** Where an instance answers its health: {@code GET path} on {@code port}, from the plan's one health check. */
public record HealthEndpoint(Port port, String path) {

    public static HealthEndpoint of(HealthCheckPlan check) {
        return new HealthEndpoint(check.port(), check.path());
    }

    @Override
    public String toString() {
        return ":" + port + path;
    }
}
