package dev.slipway.images;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Slipway's own cache directory, never Jib's shared default: base image layers, application layers and staged
 * generated files (machine profiles) and what registry bases were found to hold (whether they have tini) each in
 * their own folder below it.
 */
public record SlipwayCache(Path root) {
    public static final String ENVIRONMENT_VARIABLE = "SLIPWAY_CACHE";

    public SlipwayCache {
        root = root.toAbsolutePath().normalize();
    }

    /** {@code $SLIPWAY_CACHE}, else {@code ~/.cache/slipway}. */
    public static SlipwayCache fromEnvironment(Map<String, String> environment) {
        return new SlipwayCache(Optional.ofNullable(environment.get(ENVIRONMENT_VARIABLE))
                .filter(value -> !value.isBlank())
                .map(Path::of)
                .orElseGet(() -> Path.of(System.getProperty("user.home"), ".cache", "slipway")));
    }

    public Path baseLayers() {
        return root.resolve("jib-base-layers");
    }

    public Path applicationLayers() {
        return root.resolve("jib-application-layers");
    }

    public Path staging() {
        return root.resolve("staging");
    }

    /** Whether a registry base image has {@code /usr/bin/tini}: one file per base digest, which never changes. */
    public Path baseTini() {
        return root.resolve("base-tini");
    }
}
