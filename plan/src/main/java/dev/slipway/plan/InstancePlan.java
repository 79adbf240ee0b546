package dev.slipway.plan;

import dev.slipway.model.ImageReference;
import dev.slipway.model.Port;
import java.util.List;

/** One instance as the definition wants it: the image it runs, the ports it binds and how its health is checked. */
public record InstancePlan(InstanceId id, ImageReference image, List<Port> ports, HealthCheckPlan healthCheck) {

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
