package dev.slipway.plan;

import dev.slipway.model.DataSize;
import dev.slipway.model.ImageReference;
import dev.slipway.model.Port;
import java.util.List;
import java.util.Optional;

/**
 * One instance as the definition wants it: the image it runs, the ports it binds, how its health is checked and
 * the GPU memory its service reserves on the machine ({@code Service.gpuMemory}; empty when it reserves none).
 */
public record InstancePlan(InstanceId id, ImageReference image, List<Port> ports, HealthCheckPlan healthCheck,
        Optional<DataSize> gpuMemory) {

    public InstancePlan {
        ports = List.copyOf(ports);
        java.util.Objects.requireNonNull(gpuMemory, "gpuMemory");
    }

    public String service() {
        return id.service();
    }

    public String machine() {
        return id.machine();
    }
}
