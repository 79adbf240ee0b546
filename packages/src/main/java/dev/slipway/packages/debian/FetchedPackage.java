package dev.slipway.packages.debian;

import dev.slipway.packages.layer.FileStamp;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A locked package whose verified .deb is at {@code file} (in the cache, or on a {@code file:} mirror). While it is
 * read, {@code inPlace} is the file's stamp from before it was opened when the bytes being read are that file itself
 * (it was on disk already), and empty when they are still coming from a mirror.
 */
public record FetchedPackage(LockedPackage locked, Path file, Optional<FileStamp> inPlace) {
    public FetchedPackage {
        Objects.requireNonNull(locked, "locked");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(inPlace, "inPlace");
    }

    /** A package whose bytes are not read from {@code file} in place. */
    public FetchedPackage(LockedPackage locked, Path file) {
        this(locked, file, Optional.empty());
    }
}
