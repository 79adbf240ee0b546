package dev.slipway.rollout.engine;

import dev.slipway.model.Port;
import dev.slipway.plan.HealthCheckPlan;
import dev.slipway.plan.RuntimePlan;
import java.util.List;
import java.util.Map;

/**
 * What Slipway asks an engine to create for one instance: the pinned image ({@code repo@sha256:...}), host network,
 * restart unless-stopped, the image's own user, no-new-privileges and the SPEC health check on the health port;
 * then how it runs ({@link RuntimePlan}), environment Slipway adds (secrets delivered as env) and files written into
 * the container before it starts (secret files, path to content). Secret values never reach labels.
 */
public record ContainerSpec(String name, String pinnedImage, String user, List<Port> ports,
        HealthCheckPlan healthCheck, Map<String, String> labels, RuntimePlan runtime, Map<String, String> env,
        Map<String, byte[]> files) {

    public ContainerSpec {
        ports = List.copyOf(ports);
        labels = Map.copyOf(labels);
        env = Map.copyOf(env);
        files = Map.copyOf(files);
    }

    /** A container with default runtime settings, no added environment and no files. */
    public ContainerSpec(String name, String pinnedImage, String user, List<Port> ports, HealthCheckPlan healthCheck,
            Map<String, String> labels) {
        this(name, pinnedImage, user, ports, healthCheck, labels, RuntimePlan.DEFAULT, Map.of(), Map.of());
    }

    @Override
    public String toString() {
        return "ContainerSpec[" + name + ", " + pinnedImage + "]"; // never the env or files: they may hold secrets
    }
}
