package dev.slipway.images.supplychain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.tools.jib.api.ImageReference;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * SBOMs kept in the registry beside their image, the way {@code cosign attach sbom} does where a registry has no
 * OCI 1.1 referrers API (Debian's docker-registry 2.x has none): an OCI image manifest whose one layer (media type
 * {@value ImageSbom#MEDIA_TYPE}) is the SBOM, tagged {@code sha256-<digest>.sbom} in the image's repository.
 */
public final class AttachedSboms {
    private final OciRegistry registry;

    public AttachedSboms(OciRegistry registry) {
        this.registry = registry;
    }

    /** The tag an image's SBOM is attached under: {@code sha256-<hex>.sbom} for image digest {@code sha256:<hex>}. */
    public static String tag(String imageDigest) {
        return CosignSignatures.artifactTag(imageDigest, "sbom");
    }

    /** An attached SBOM: its tag, and the digest of the manifest that tag points at. */
    public record Tagged(String tag, String manifestDigest) {
    }

    /**
     * Pushes {@code sbom} for {@code image} (a pinned reference) unless the same bytes are attached already (then it
     * costs one manifest request); returns where it is.
     */
    public Tagged attach(String image, byte[] sbom) throws IOException {
        return attach(image, sbom, true);
    }

    /**
     * {@link #attach(String, byte[])}; with {@code lookFirst} false (an image this build just pushed), pushes without
     * asking whether the SBOM, its blobs or its config are there: pushing the same bytes again changes nothing, and
     * it costs three requests fewer.
     */
    public Tagged attach(String image, byte[] sbom, boolean lookFirst) throws IOException {
        ImageReference reference = CosignSignatures.parse(image);
        String digest = reference.getDigest().orElseThrow(() -> new IOException(image
                + ": attach an SBOM to a pinned reference (repository@sha256:…)"));
        String tag = tag(digest);
        String sbomDigest = "sha256:" + dev.slipway.images.Sha256.hex(sbom);
        Optional<OciRegistry.Manifest> existing = lookFirst ? registry.manifest(reference, tag) : Optional.empty();
        if (existing.isPresent()) {
            JsonNode layers = existing.get().json().path("layers");
            if (layers.size() == 1 && sbomDigest.equals(layers.get(0).path("digest").asText())) {
                return new Tagged(tag, existing.get().digest());
            }
        }
        String blob = lookFirst ? registry.pushBlob(reference, sbom) : registry.uploadBlob(reference, sbom);
        ObjectNode layer = JsonNodeFactory.instance.objectNode();
        layer.put("mediaType", ImageSbom.MEDIA_TYPE).put("size", sbom.length).put("digest", blob);
        return new Tagged(tag,
                CosignSignatures.pushArtifactManifest(registry, reference, tag, List.of(layer), lookFirst));
    }

    /** The SBOM attached to what {@code image} (tag or pinned) points at now, and that digest; empty if none. */
    public Optional<Attached> read(String image) throws IOException {
        ImageReference reference = CosignSignatures.parse(image);
        Optional<String> digest = registry.digestOf(reference);
        if (digest.isEmpty()) {
            throw new IOException(image + ": no such image in " + OciRegistry.repository(reference));
        }
        String tag = tag(digest.get());
        Optional<OciRegistry.Manifest> manifest = registry.manifest(reference, tag);
        if (manifest.isEmpty()) {
            return Optional.empty();
        }
        for (JsonNode layer : manifest.get().json().path("layers")) {
            if (layer.path("mediaType").asText().startsWith("application/vnd.cyclonedx")) {
                byte[] sbom = registry.blob(reference, layer.path("digest").asText()).orElseThrow(() -> new IOException(
                        image + ": " + tag + " names an SBOM blob the registry does not have"));
                return Optional.of(new Attached(digest.get(), tag, sbom));
            }
        }
        throw new IOException(image + ": " + tag + " holds no CycloneDX layer");
    }

    /** An SBOM read back: the image digest it belongs to, its tag, its bytes. */
    public record Attached(String digest, String tag, byte[] sbom) {
    }
}
