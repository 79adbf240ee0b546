package dev.slipway.images.supplychain;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.tools.jib.api.ImageReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * SBOMs kept in the registry beside their image, the way {@code cosign attach sbom} does where a registry has no
 * OCI 1.1 referrers API (Debian's docker-registry 2.x has none): an OCI image manifest whose one layer (media type
 * {@value ImageSbom#MEDIA_TYPE}) is the SBOM, tagged {@code sha256-<digest>.sbom} in the image's repository. Its
 * config is OCI's empty descriptor ({@code {}}, as OCI 1.1 asks of an artifact), the same blob in every repository:
 * one instance uploads it once and mounts it into every other repository.
 */
public final class AttachedSboms {
    static final String EMPTY_CONFIG_TYPE = "application/vnd.oci.empty.v1+json";
    static final byte[] EMPTY_CONFIG = "{}".getBytes(StandardCharsets.UTF_8);
    static final String EMPTY_CONFIG_DIGEST = "sha256:" + dev.slipway.images.Sha256.hex(EMPTY_CONFIG);

    private final OciRegistry registry;
    /** Where this instance put the empty config, to mount it from there. */
    private final BlobHolders emptyConfig;

    public AttachedSboms(OciRegistry registry) {
        this.registry = registry;
        this.emptyConfig = new BlobHolders(registry);
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
        String blob = putBlob(reference, sbom, lookFirst);
        // the empty config: mounted from where this instance put it first
        emptyConfig.put(reference, EMPTY_CONFIG_DIGEST, () -> putBlob(reference, EMPTY_CONFIG, lookFirst));
        return new Tagged(tag, CosignSignatures.putArtifactManifest(registry, reference, tag,
                CosignSignatures.descriptor(EMPTY_CONFIG_TYPE, EMPTY_CONFIG.length, EMPTY_CONFIG_DIGEST),
                Optional.of(ImageSbom.MEDIA_TYPE),
                List.of(CosignSignatures.descriptor(ImageSbom.MEDIA_TYPE, sbom.length, blob))));
    }

    /** Uploads {@code blob}, asking first whether the repository has it if {@code lookFirst}; returns its digest. */
    private String putBlob(ImageReference reference, byte[] blob, boolean lookFirst) throws IOException {
        return lookFirst ? registry.pushBlob(reference, blob) : registry.uploadBlob(reference, blob);
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
