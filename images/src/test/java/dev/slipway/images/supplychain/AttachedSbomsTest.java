package dev.slipway.images.supplychain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.cloud.tools.jib.api.ImageReference;
import dev.slipway.images.RegistryCredentials;
import dev.slipway.plan.ImagePlan;
import dev.slipway.plan.LayerPlan;
import dev.slipway.testkit.LocalRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** SBOMs pushed beside their image under sha256-<digest>.sbom and read back, against the real docker-registry. */
class AttachedSbomsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String BASE_DIGEST = "sha256:" + "a3".repeat(32);

    static ImagePlan plan(String image) {
        return new ImagePlan(ImagePlan.Kind.FAMILY, "base-python", Optional.empty(),
                dev.slipway.model.ImageReference.parse(image),
                "docker.io/library/python:3.11-slim-bookworm@" + BASE_DIGEST, Optional.empty(),
                List.of(new LayerPlan.MachineProfile("mainpc", Map.of(), dev.slipway.model.User.APPUSER),
                        new LayerPlan.Application("services/notes")),
                List.of(), "10001:10001", List.of("/usr/bin/tini", "--"), List.of(), "/app", List.of(), Map.of(),
                Map.of(),
                Optional.empty(), Optional.empty(), Map.of());
    }

    @Test
    void everyImageGetsAnSbomNamingItsDigestItsBaseAndWhatSlipwayAdded() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            OciRegistry client = new OciRegistry(RegistryCredentials.anonymous(), true);
            String image = registry.host() + "/slipway/base-python:1";
            String digest = TestImages.push(client, image, "sbom");
            byte[] packaged = ("{\"components\":[{\"type\":\"library\",\"name\":\"tini\",\"version\":\"0.19.0-1\","
                    + "\"purl\":\"pkg:deb/debian/tini@0.19.0-1?arch=amd64\"}]}").getBytes(StandardCharsets.UTF_8);
            byte[] sbom = ImageSbom.render(plan(image), digest, Optional.empty(), Optional.of(packaged));
            assertArrayEquals(sbom, ImageSbom.render(plan(image), digest, Optional.empty(), Optional.of(packaged)),
                    "the same image renders the same bytes");

            AttachedSboms sboms = new AttachedSboms(client);
            AttachedSboms.Tagged attached = sboms.attach(TestImages.pinned(image, digest), sbom);
            String tag = attached.tag();
            assertEquals("sha256-" + digest.substring(7) + ".sbom", tag);
            assertEquals(AttachedSboms.tag(digest), tag);
            JsonNode layer = client.manifest(ImageReference.parse(image), tag).orElseThrow().json().path("layers")
                    .get(0);
            assertEquals("application/vnd.cyclonedx+json", layer.path("mediaType").asText());

            String manifestDigest = client.manifest(ImageReference.parse(image), tag).orElseThrow().digest();
            assertEquals(manifestDigest, attached.manifestDigest(), "attach names the manifest it put");
            assertEquals(attached, sboms.attach(TestImages.pinned(image, digest), sbom));
            assertEquals(manifestDigest, client.manifest(ImageReference.parse(image), tag).orElseThrow().digest(),
                    "the same SBOM again leaves the attached one as it is");

            AttachedSboms.Attached back = sboms.read(image).orElseThrow();
            assertEquals(digest, back.digest());
            assertArrayEquals(sbom, back.sbom());

            JsonNode bom = JSON.readTree(back.sbom());
            assertEquals("CycloneDX", bom.path("bomFormat").asText());
            JsonNode subject = bom.path("metadata").path("component");
            assertEquals(registry.host() + "/slipway/base-python", subject.path("name").asText());
            assertEquals(digest.substring(7), subject.path("hashes").get(0).path("content").asText());
            JsonNode components = bom.path("components");
            assertEquals("docker.io/library/python", components.get(0).path("name").asText());
            assertEquals(BASE_DIGEST, components.get(0).path("version").asText());
            assertEquals("machine-profile", components.get(1).path("name").asText());
            assertEquals("application", components.get(2).path("name").asText());
            assertEquals("tini", components.get(3).path("name").asText());

            // the tag moved to another image: that image has no SBOM yet
            TestImages.push(client, image, "other");
            assertTrue(sboms.read(image).isEmpty());
            assertArrayEquals(sbom, sboms.read(TestImages.pinned(image, digest)).orElseThrow().sbom());
        }
    }

    @Test
    void sbomManifestsShareOciEmptyConfigUploadedOnceAndMountedElsewhere() throws Exception {
        String empty = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
        try (LocalRegistry registry = LocalRegistry.start()) {
            OciRegistry client = new OciRegistry(RegistryCredentials.anonymous(), true);
            AttachedSboms sboms = new AttachedSboms(client);
            for (String repository : List.of("slipway/a", "slipway/b", "slipway/c")) {
                String image = registry.host() + "/" + repository + ":1";
                String digest = TestImages.push(client, image, repository);
                byte[] sbom = ImageSbom.render(plan(image), digest, Optional.empty(), Optional.empty());
                sboms.attach(TestImages.pinned(image, digest), sbom, false);

                JsonNode manifest = client.manifest(ImageReference.parse(image), AttachedSboms.tag(digest))
                        .orElseThrow().json();
                assertEquals("application/vnd.cyclonedx+json", manifest.path("artifactType").asText());
                assertEquals("application/vnd.oci.empty.v1+json", manifest.at("/config/mediaType").asText());
                assertEquals(2, manifest.at("/config/size").asInt());
                assertEquals(empty, manifest.at("/config/digest").asText());
                assertArrayEquals("{}".getBytes(StandardCharsets.UTF_8),
                        client.blob(ImageReference.parse(image), empty).orElseThrow(), repository);
                assertArrayEquals(sbom, sboms.read(image).orElseThrow().sbom(), repository);
            }
            String log = registry.log();
            String encoded = empty.replace(":", "%3A");
            assertEquals(1, Pattern.compile("\"PUT /v2/[^ \"]*/blobs/uploads/[^ \"]*digest=" + encoded)
                    .matcher(log).results().count(), "the empty config is uploaded once:\n" + log);
            assertEquals(2, Pattern.compile("\"POST /v2/slipway/[bc]/blobs/uploads/\\?mount=" + encoded
                    + "&from=slipway%2Fa HTTP/1.1\" 201").matcher(log).results().count(),
                    "and mounted into the other two repositories:\n" + log);
        }
    }
}
