package dev.slipway.runner;

import dev.slipway.images.SlipwayCache;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --fleet} and {@code --dir}, shared by every command that reads a fleet. */
public final class FleetOptions {
    public static final String DEFAULT_FLEET = "dev.slipway.fleet.FleetDefinition";

    @Option(names = "--fleet", paramLabel = "PATH.java|CLASS", defaultValue = DEFAULT_FLEET, description = "The fleet definition: a .java file (compiled in memory) or a class name. Default: ${DEFAULT-VALUE}.")
    String fleet;

    @Option(names = "--dir", paramLabel = "DIR", description = "Directory that relative paths in the definition resolve against. "
            + "Default: the .java file's directory, or the current directory for a class.")
    Path directory;

    /** Loads the fleet; a compiled .java definition is cached in $SLIPWAY_CACHE, else ~/.cache/slipway. */
    public FleetSource load() {
        return load(SlipwayCache.fromEnvironment(System.getenv()));
    }

    /** Loads the fleet, caching a compiled .java definition in {@code cache} (a command's {@code --cache}). */
    public FleetSource load(SlipwayCache cache) {
        if (directory != null && !java.nio.file.Files.isDirectory(directory)) {
            throw new UserError("--dir: " + directory + " is not a directory");
        }
        return FleetSource.load(fleet, Optional.ofNullable(directory), cache);
    }
}
