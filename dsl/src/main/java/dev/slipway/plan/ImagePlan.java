package dev.slipway.plan;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything needed to build one image, and nothing about how: base, layers in SPEC order (OS, system libraries,
 * Python dependencies, application), user, entrypoint, ports, environment, labels and, for a service, the
 * machine profile written to {@code /etc/machine-profile.json}.
 */
public record ImagePlan(
        Kind kind,
        String name,
        Optional<String> machine,
        String image,
        String base,
        List<LayerPlan> layers,
        String user,
        List<String> entrypoint,
        List<String> cmd,
        String workingDirectory,
        List<Integer> exposedPorts,
        Map<String, String> env,
        Map<String, String> labels,
        Optional<HealthCheckPlan> healthCheck,
        Map<String, String> machineProfile) {

    public enum Kind { FAMILY, SERVICE }

    public ImagePlan {
        layers = List.copyOf(layers);
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        exposedPorts = List.copyOf(exposedPorts);
        // In key order and immutable; a map that already is one is kept, so plans can share it.
        env = SortedStringMap.copyOf(env);
        labels = SortedStringMap.copyOf(labels);
        machineProfile = SortedStringMap.copyOf(machineProfile);
    }
}
