package dev.slipway.images.steps;

import dev.slipway.images.SlipwayCache;
import dev.slipway.validation.Fleet;
import java.nio.file.Path;

/** What every step may read: the fleet, the directory its relative paths resolve against, and the cache. */
public record StepContext(Fleet fleet, Path fleetDirectory, SlipwayCache cache) {

    public Path resolve(String relative) {
        return fleetDirectory.resolve(relative).normalize();
    }

    public Path resolve(Path relative) {
        return fleetDirectory.resolve(relative).normalize();
    }
}
