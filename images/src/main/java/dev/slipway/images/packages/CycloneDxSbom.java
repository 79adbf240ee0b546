package dev.slipway.images.packages;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.locks.FamilyPackages;
import dev.slipway.model.ImageReference;
import dev.slipway.packages.debian.LockedPackage;
import dev.slipway.packages.python.WheelRequirement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * A CycloneDX 1.5 JSON SBOM of one image: every Debian package (name, version, architecture, SHA-256 of the .deb)
 * and every wheel (name, version, the SHA-256s its lock allows) the image holds, its parents' included, each with
 * the family that installed it. No timestamp, and a serial number derived from the content: equal images, equal
 * bytes.
 */
final class CycloneDxSbom {
    static final String LABEL = "dev.slipway.sbom.sha256";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private CycloneDxSbom() {
    }

    static byte[] render(ImageReference image, List<FamilyPackages> lineage) {
        ObjectNode bom = JSON.createObjectNode();
        bom.put("bomFormat", "CycloneDX");
        bom.put("specVersion", "1.5");
        bom.put("serialNumber", "");
        bom.put("version", 1);
        ObjectNode metadata = bom.putObject("metadata");
        metadata.putObject("tools").putArray("components").addObject()
                .put("type", "application").put("name", "slipway");
        ObjectNode subject = metadata.putObject("component");
        subject.put("type", "container").put("bom-ref", image.text()).put("name", image.repository());
        image.tagAndDigest().ifPresent(version -> subject.put("version", version));
        ArrayNode components = bom.putArray("components");
        for (FamilyPackages family : lineage) {
            String distro = family.family().debianSuite().map(suite -> suite.suite()).orElse("");
            for (LockedPackage p : family.debianPackages()) {
                String purl = "pkg:deb/debian/" + p.name() + "@" + encode(p.version().toString()) + "?arch="
                        + p.architecture() + (distro.isEmpty() ? "" : "&distro=" + distro);
                ObjectNode c = components.addObject();
                c.put("type", "library").put("bom-ref", purl).put("name", p.name())
                        .put("version", p.version().toString()).put("purl", purl);
                c.putArray("hashes").addObject().put("alg", "SHA-256").put("content", p.sha256());
                ArrayNode properties = c.putArray("properties");
                property(properties, "dev.slipway:family", family.family().name());
                property(properties, "dev.slipway:debian:architecture", p.architecture());
                property(properties, "dev.slipway:debian:filename", p.filename());
            }
            for (WheelRequirement r : family.wheels().map(w -> w.requirements()).orElse(List.of())) {
                String purl = "pkg:pypi/" + r.name() + "@" + encode(r.version());
                ObjectNode c = components.addObject();
                c.put("type", "library").put("bom-ref", purl).put("name", r.name()).put("version", r.version())
                        .put("purl", purl);
                ArrayNode hashes = c.putArray("hashes");
                r.sha256().stream().sorted().forEach(h -> hashes.addObject().put("alg", "SHA-256").put("content", h));
                property(c.putArray("properties"), "dev.slipway:family", family.family().name());
            }
        }
        bom.put("serialNumber", "urn:uuid:" + UUID.nameUUIDFromBytes(bytes(bom)));
        return bytes(bom);
    }

    private static void property(ArrayNode properties, String name, String value) {
        properties.addObject().put("name", name).put("value", value);
    }

    /** purl percent-encoding of a version: everything but unreserved characters. */
    static String encode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private static byte[] bytes(ObjectNode bom) {
        try {
            String json = JSON.writer(new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n")))
                    .writeValueAsString(bom);
            return (json + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
