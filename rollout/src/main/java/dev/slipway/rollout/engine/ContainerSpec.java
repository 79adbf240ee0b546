package dev.slipway.rollout.engine;

import dev.slipway.model.Port;
import dev.slipway.plan.HealthCheckPlan;
import java.util.List;
import java.util.Map;

/**
 * What Slipway asks an engine to create for one instance: the pinned image ({@code repo@sha256:...}), host network,
 * restart unless-stopped, the image's own user, no-new-privileges and the SPEC health check on the health port.
 */
public record ContainerSpec(String name, String pinnedImage, String user, List<Port> ports,
        HealthCheckPlan healthCheck, Map<String, String> labels) {

    public ContainerSpec {
        ports = List.copyOf(ports);
        labels = Map.copyOf(labels);
    }
}
