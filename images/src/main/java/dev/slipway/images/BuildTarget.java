package dev.slipway.images;

import java.nio.file.Path;
import java.util.Objects;

/** Where built images go: tarballs in a directory, or a registry. */
public sealed interface BuildTarget {

    /** Every image as a {@code docker load}-able tarball in {@code directory}, plus {@code images.json}. */
    static BuildTarget tarballs(Path directory) {
        return new Tarballs(directory.toAbsolutePath().normalize());
    }

    /** Push every image; {@code insecure} allows plain HTTP (meant for a registry on loopback). */
    static BuildTarget registry(boolean insecure) {
        return new Registry(insecure);
    }

    record Tarballs(Path directory) implements BuildTarget {
        public Tarballs {
            Objects.requireNonNull(directory, "directory");
        }
    }

    /** The registry itself is part of each planned image name, so only the transport is chosen here. */
    record Registry(boolean insecure) implements BuildTarget {
    }
}
