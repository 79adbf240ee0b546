package dev.slipway.dsl;

import dev.slipway.model.ImageReference;
import java.nio.file.Path;

/** Where a root family's filesystem starts. */
public sealed interface Base {

    /** An image from a registry; it must be pinned by digest ({@code repo@sha256:...}). */
    static Base image(String reference) {
        return new RegistryImage(ImageReference.parse(reference));
    }

    /** A local image tarball (docker save or OCI layout archive), resolved against the fleet's directory. */
    static Base tarball(String path) {
        return new Tarball(Path.of(path));
    }

    /** Nothing at all: the family's own files are the whole filesystem. */
    static Base scratch() {
        return Scratch.INSTANCE;
    }

    record RegistryImage(ImageReference reference) implements Base {
        @Override
        public String toString() {
            return reference.text();
        }
    }

    record Tarball(Path path) implements Base {
        @Override
        public String toString() {
            return "tarball:" + path;
        }
    }

    enum Scratch implements Base {
        INSTANCE;

        @Override
        public String toString() {
            return "scratch";
        }
    }
}
