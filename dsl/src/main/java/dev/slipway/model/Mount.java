package dev.slipway.model;

/**
 * Storage a container sees besides its image: a named volume that survives cutovers (model and Hugging Face caches),
 * or a read-only bind of a host path (model weights). Container paths are absolute; the rules check it.
 */
public sealed interface Mount permits Mount.Volume, Mount.ReadOnlyBind {

    String containerPath();

    /** A named volume, writable by the image user (Slipway gives its root to uid 10001 before the first start). */
    record Volume(String name, String containerPath) implements Mount {
        @Override
        public String toString() {
            return "volume " + name + " -> " + containerPath;
        }
    }

    /** A host directory or file, mounted read-only. */
    record ReadOnlyBind(String hostPath, String containerPath) implements Mount {
        @Override
        public String toString() {
            return "bind " + hostPath + " -> " + containerPath + " (read-only)";
        }
    }
}
