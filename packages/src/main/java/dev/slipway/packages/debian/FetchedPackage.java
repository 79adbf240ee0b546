package dev.slipway.packages.debian;

import java.nio.file.Path;
import java.util.Objects;

/** A locked package whose verified .deb is in the cache at {@code file}. */
public record FetchedPackage(LockedPackage locked, Path file) {
    public FetchedPackage {
        Objects.requireNonNull(locked, "locked");
        Objects.requireNonNull(file, "file");
    }
}
