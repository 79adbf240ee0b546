package dev.slipway.images;

import dev.slipway.plan.ImagePlan;
import java.util.Optional;
import java.nio.file.Path;

/**
 * One image that was built: its planned name, manifest digest, size (compressed layers and config) and, for a
 * tarball target, the file. {@code work} says what this build had to do for it. {@code sbomUpToDate}: its tag was
 * up to date and so is the SBOM attached beside it (see {@link PushRecords}), so that needs no work either.
 */
public record BuiltImage(ImagePlan plan, String digest, long size, Optional<Path> tarball, ImageWork work,
        boolean sbomUpToDate) {

    public String image() {
        return plan.image().text();
    }

    /** {@code repository@sha256:...}: exactly this image, whatever its tag points to later. */
    public String pinnedReference() {
        return plan.image().pinnedTo(digest);
    }

    /** This image, its attached SBOM found up to date. */
    BuiltImage withSbomUpToDate() {
        return new BuiltImage(plan, digest, size, tarball, work, true);
    }
}
