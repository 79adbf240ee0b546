package dev.slipway.images;

import dev.slipway.plan.ImagePlan;
import java.util.Optional;
import java.nio.file.Path;

/**
 * One image that was built: its planned name, manifest digest, size (compressed layers and config) and, for a
 * tarball target, the file. {@code work} says what this build had to do for it.
 */
public record BuiltImage(ImagePlan plan, String digest, long size, Optional<Path> tarball, ImageWork work) {

    public String image() {
        return plan.image().text();
    }

    /** {@code repository@sha256:...}: exactly this image, whatever its tag points to later. */
    public String pinnedReference() {
        return plan.image().pinnedTo(digest);
    }
}
