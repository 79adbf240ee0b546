package dev.slipway.plan;

import dev.slipway.model.ImageReference;
import dev.slipway.model.Port;
import java.util.List;

/**
 * One instance as the definition wants it: the image it runs, the ports it binds, how its health is checked and how
 * its container runs ({@link RuntimePlan}).
 */
public record InstancePlan(InstanceId id, ImageReference image, List<Port> ports, HealthCheckPlan healthCheck,
        RuntimePlan runtime) {

    /** An instance with Docker's and Slipway's defaults for everything else. */
    public InstancePlan(InstanceId id, ImageReference image, List<Port> ports, HealthCheckPlan healthCheck) {
        this(id, image, ports, healthCheck, RuntimePlan.DEFAULT);
    }

    public InstancePlan {
        ports = List.copyOf(ports);
    }

    public String service() {
        return id.service();
    }

    public String machine() {
        return id.machine();
    }
}
