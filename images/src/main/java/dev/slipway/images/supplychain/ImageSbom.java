package dev.slipway.images.supplychain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import dev.slipway.plan.ImagePlan;
import dev.slipway.plan.LayerPlan;
import java.io.IOException;
import java.util.Optional;
import java.util.UUID;

/**
 * The CycloneDX 1.5 SBOM pushed with every image: the image itself (name, tag, manifest digest), the image it was
 * built on (a pinned registry base keeps its digest), each layer Slipway added (name, source, destination) and, for
 * a packaged lineage, every Debian package and wheel of its packaged SBOM. No timestamp; the serial number is
 * derived from the content, so the same image gets the same bytes.
 */
public final class ImageSbom {
    public static final String MEDIA_TYPE = "application/vnd.cyclonedx+json";
    /**
     * Changes whenever {@link #render} writes other bytes for the same image: an SBOM recorded as attached by an
     * earlier format is then attached again (ImageSbomTest pins the bytes, so a change cannot go unnoticed).
     */
    public static final String FORMAT = "1";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ImageSbom() {
    }

    /**
     * @param baseDigest the digest of the base when the plan names it by tag (a family image built in the same run)
     * @param packaged the lineage's packaged SBOM (Debian packages and wheels), if the image has one
     */
    public static byte[] render(ImagePlan plan, String digest, Optional<String> baseDigest, Optional<byte[]> packaged)
            throws IOException {
        ObjectNode bom = JSON.createObjectNode();
        bom.put("bomFormat", "CycloneDX").put("specVersion", "1.5").put("serialNumber", "").put("version", 1);
        ObjectNode metadata = bom.putObject("metadata");
        metadata.putObject("tools").putArray("components").addObject().put("type", "application")
                .put("name", "slipway");
        String image = plan.image().text();
        ObjectNode subject = metadata.putObject("component");
        subject.put("type", "container").put("bom-ref", image).put("name", plan.image().repository());
        plan.image().tagAndDigest().ifPresent(version -> subject.put("version", version));
        subject.putArray("hashes").addObject().put("alg", "SHA-256").put("content",
                digest.substring("sha256:".length()));
        ArrayNode subjectProperties = subject.putArray("properties");
        property(subjectProperties, "dev.slipway:digest", digest);
        property(subjectProperties, "dev.slipway:kind", plan.kind().name().toLowerCase(java.util.Locale.ROOT));
        plan.machine().ifPresent(m -> property(subjectProperties, "dev.slipway:machine", m));

        ArrayNode components = bom.putArray("components");
        ObjectNode base = components.addObject();
        base.put("type", "container").put("bom-ref", plan.base()).put("name",
                dev.slipway.model.ImageReference.parse(plan.base()).repository());
        pinnedDigest(plan.base()).or(() -> baseDigest).ifPresent(d -> {
            base.put("version", d);
            base.putArray("hashes").addObject().put("alg", "SHA-256").put("content", d.substring("sha256:".length()));
        });
        property(base.putArray("properties"), "dev.slipway:role", "base image");
        int n = 0;
        for (LayerPlan layer : plan.layers()) {
            ObjectNode c = components.addObject();
            c.put("type", "file").put("bom-ref", image + "#layer-" + (++n) + "-" + layer.kind()).put("name",
                    layer.kind());
            ArrayNode properties = c.putArray("properties");
            property(properties, "dev.slipway:role", "layer added by Slipway");
            property(properties, "dev.slipway:layer:source", layer.source());
            property(properties, "dev.slipway:layer:destination", layer.destination());
        }
        if (packaged.isPresent()) {
            for (JsonNode component : JSON.readTree(packaged.get()).path("components")) {
                components.add(component);
            }
        }
        ObjectNode dependency = bom.putArray("dependencies").addObject();
        dependency.put("ref", image);
        dependency.putArray("dependsOn").add(plan.base());
        bom.put("serialNumber", "urn:uuid:" + UUID.nameUUIDFromBytes(CosignSignatures.bytes(bom)));
        return CosignSignatures.bytes(bom);
    }

    private static Optional<String> pinnedDigest(String base) {
        try {
            return ImageReference.parse(base).getDigest();
        } catch (InvalidImageReferenceException e) {
            return Optional.empty(); // scratch, or a base tarball: no registry digest to name
        }
    }

    private static void property(ArrayNode properties, String name, String value) {
        properties.addObject().put("name", name).put("value", value);
    }
}
