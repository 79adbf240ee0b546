package dev.slipway.images.supplychain;

import dev.slipway.images.BuiltImage;
import dev.slipway.images.supplychain.SigningKeys.SigningKey;
import dev.slipway.plan.ImagePlan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What goes into the registry beside every pushed image once it is built: its SBOM ({@code sha256-<digest>.sbom})
 * and, with a signing key, its cosign signature ({@code sha256-<digest>.sig}). Each image is reported as soon as
 * its artifacts are pushed.
 */
public final class PushedImageArtifacts {

    private final OciRegistry registry;

    public PushedImageArtifacts(OciRegistry registry) {
        this.registry = registry;
    }

    /** One image's attached artifacts. */
    public record Attached(BuiltImage image, String sbomTag, Optional<CosignSignatures.Signed> signature) {
    }

    /**
     * @param packagedSbom the packaged SBOM (Debian packages, wheels) of a plan, for lineages that have one
     * @throws IOException naming the first image whose artifacts could not be pushed (earlier ones stay pushed:
     *     each is complete on its own)
     */
    public List<Attached> attach(List<BuiltImage> images, Function<ImagePlan, Optional<byte[]>> packagedSbom,
            Optional<SigningKey> key, Consumer<Attached> progress) throws IOException {
        AttachedSboms sboms = new AttachedSboms(registry);
        CosignSignatures signatures = new CosignSignatures(registry);
        List<Attached> attached = new ArrayList<>();
        // a service's base is its family's image by tag: name the digest that family was pushed at
        Map<String, String> digests = new HashMap<>();
        images.forEach(i -> digests.put(i.image(), i.digest()));
        for (BuiltImage image : images) {
            String pinned = image.pinnedReference();
            byte[] sbom = ImageSbom.render(image.plan(), image.digest(),
                    Optional.ofNullable(digests.get(image.plan().base())), packagedSbom.apply(image.plan()));
            String sbomTag = sboms.attach(pinned, sbom);
            Optional<CosignSignatures.Signed> signed = Optional.empty();
            if (key.isPresent()) {
                signed = Optional.of(signatures.sign(pinned, key.get()));
            }
            Attached one = new Attached(image, sbomTag, signed);
            attached.add(one);
            progress.accept(one);
        }
        return attached;
    }
}
