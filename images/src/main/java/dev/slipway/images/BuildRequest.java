package dev.slipway.images;

import dev.slipway.plan.ImagePlan;
import java.nio.file.Path;
import java.util.List;

/**
 * One build of a fleet: its image plans (a {@code FleetPlan}'s images), the directory relative paths resolve
 * against, where images go, and the cache. {@code parallelism} bounds images built at once.
 */
public record BuildRequest(List<ImagePlan> plans, Path fleetDirectory, BuildTarget target,
        SlipwayCache cache, RegistryCredentials credentials, int parallelism) {

    public BuildRequest {
        plans = List.copyOf(plans);
        fleetDirectory = fleetDirectory.toAbsolutePath().normalize();
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
        }
    }
}
