package dev.slipway.plan;

import dev.slipway.dsl.Base;
import dev.slipway.model.ImageReference;
import dev.slipway.model.Port;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything needed to build one image, and nothing about how: where it starts ({@code base}, and the
 * {@code rootBase} of a family without a parent), layers in SPEC order, what its lineage installs
 * ({@code packages}, root first), user, entrypoint, ports, environment, labels, the health check (a service's, for
 * its containers), the health check the image's config carries ({@code imageHealthCheck}: present where the lineage
 * has a base Slipway writes, see {@link ImagePlanner#imageHealthCheck}) and, for a service, the machine profile
 * written to {@code /etc/machine-profile.json}.
 */
public record ImagePlan(
        Kind kind,
        String name,
        Optional<String> machine,
        ImageReference image,
        String base,
        Optional<Base> rootBase,
        List<LayerPlan> layers,
        List<PackagedFamily> packages,
        String user,
        List<String> entrypoint,
        List<String> cmd,
        String workingDirectory,
        List<Port> exposedPorts,
        Map<String, String> env,
        Map<String, String> labels,
        Optional<HealthCheckPlan> healthCheck,
        Optional<ImageHealthCheck> imageHealthCheck,
        Map<String, String> machineProfile) {

    public enum Kind {
        FAMILY, SERVICE
    }

    public ImagePlan {
        layers = List.copyOf(layers);
        packages = List.copyOf(packages);
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        exposedPorts = List.copyOf(exposedPorts);
        // In key order and immutable; a map that already is one is kept, so plans can share it.
        env = SortedStringMap.copyOf(env);
        labels = SortedStringMap.copyOf(labels);
        machineProfile = SortedStringMap.copyOf(machineProfile);
    }

    /** Whether any family of the image's lineage installs Debian packages or wheels. */
    public boolean installsPackages() {
        return packages.stream().anyMatch(PackagedFamily::installsAnything);
    }

    /** How errors and progress name the image: {@code family NAME} or {@code service NAME on MACHINE}. */
    public String subject() {
        return (kind == Kind.SERVICE ? "service " : "family ") + name + machine.map(m -> " on " + m).orElse("");
    }
}
