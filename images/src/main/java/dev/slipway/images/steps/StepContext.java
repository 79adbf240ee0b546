package dev.slipway.images.steps;

import dev.slipway.images.SlipwayCache;
import java.nio.file.Path;

/** What every step may read besides its image plan: the directory relative paths resolve against, and the cache. */
public record StepContext(Path fleetDirectory, SlipwayCache cache) {

    public Path resolve(String relative) {
        return fleetDirectory.resolve(relative).normalize();
    }

    public Path resolve(Path relative) {
        return fleetDirectory.resolve(relative).normalize();
    }
}
