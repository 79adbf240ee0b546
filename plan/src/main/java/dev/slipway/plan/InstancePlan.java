package dev.slipway.plan;

import dev.slipway.model.DataSize;
import dev.slipway.model.ImageReference;
import dev.slipway.model.Port;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One instance as the definition wants it: the image it runs, the ports it binds, how its health is checked, how
 * its container runs ({@link RuntimePlan}) and the GPU memory its service reserves on the machine
 * ({@code Service.gpuMemory}; empty when it reserves none).
 */
public record InstancePlan(InstanceId id, ImageReference image, List<Port> ports, HealthCheckPlan healthCheck,
        RuntimePlan runtime, Optional<DataSize> gpuMemory) {

    /** An instance with Docker's and Slipway's defaults for everything else. */
    public InstancePlan(InstanceId id, ImageReference image, List<Port> ports, HealthCheckPlan healthCheck) {
        this(id, image, ports, healthCheck, RuntimePlan.DEFAULT);
    }

    /** An instance that reserves no GPU memory. */
    public InstancePlan(InstanceId id, ImageReference image, List<Port> ports, HealthCheckPlan healthCheck,
            RuntimePlan runtime) {
        this(id, image, ports, healthCheck, runtime, Optional.empty());
    }

    public InstancePlan {
        ports = List.copyOf(ports);
        Objects.requireNonNull(gpuMemory, "gpuMemory");
    }

    public String service() {
        return id.service();
    }

    public String machine() {
        return id.machine();
    }
}
