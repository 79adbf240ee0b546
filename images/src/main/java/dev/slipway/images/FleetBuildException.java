package dev.slipway.images;

import java.util.List;

/**
 * Some images failed. Images that were built are listed too; a pushed image is only ever tagged once all its
 * blobs are in the registry, so a failure leaves no tag on a partial image.
 */
public final class FleetBuildException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<ImageFailure> failures;
    private final transient List<BuiltImage> built;

    public FleetBuildException(List<ImageFailure> failures, List<BuiltImage> built) {
        super(failures.size() + " image(s) failed: " + failures);
        this.failures = List.copyOf(failures);
        this.built = List.copyOf(built);
    }

    public List<ImageFailure> failures() {
        return failures;
    }

    public List<BuiltImage> built() {
        return built;
    }
}
