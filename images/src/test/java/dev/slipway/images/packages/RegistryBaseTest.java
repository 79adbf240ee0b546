package dev.slipway.images.packages;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.cloud.tools.jib.api.ImageReference;
import dev.slipway.images.RegistryCredentials;
import dev.slipway.images.Sha256;
import dev.slipway.images.steps.ChildImagePush;
import dev.slipway.images.supplychain.OciRegistry;
import dev.slipway.packages.layer.LayerCompression;
import dev.slipway.plan.ImageHealthCheck;
import dev.slipway.testkit.LocalRegistry;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A packaged base pushed by Slipway for Jib to build on, against the real docker-registry: by digest under no tag,
 * its layers and config as {@link BaseArchive} would write them into a tarball, a child's base on its parent's
 * layers, and a layer streamed in already not uploaded again.
 */
class RegistryBaseTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ImageHealthCheck CHECK = new ImageHealthCheck(List.of("CMD", "true"), 30, 10, 40, 3);

    @TempDir
    Path dir;

    private BaseArchive.Layer layer(String content) throws Exception {
        Path gzip = dir.resolve(content + ".tar.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzip))) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
        return new BaseArchive.Layer(gzip, "sha256:" + Sha256.hex(content), "sha256:" + Sha256.hex(gzip),
                Files.size(gzip), "slipway: " + content);
    }

    @Test
    void aBaseFromScratchIsPushedByDigestWithItsLayerConfigAndHealthCheckAndNoTag() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            OciRegistry client = new OciRegistry(RegistryCredentials.anonymous(), true);
            ImageReference repository = ImageReference.parse(registry.host() + "/slipway/base-python");
            BaseArchive.Layer os = layer("os layer");
            RegistryBase base = RegistryBase.of(repository, RegistryBase.Start.scratch("amd64"), List.of(os),
                    Optional.of(CHECK), new LayerUploads(client, repository));
            assertTrue(base.reference().startsWith(registry.host() + "/slipway/base-python@sha256:"));

            RegistryBase.Pushed pushed = base.push(client);
            assertEquals(new RegistryBase.Pushed(1, os.size(), 0, 0), pushed);

            OciRegistry.Manifest manifest = client.manifest(repository, base.digest()).orElseThrow();
            assertEquals(base.digest(), manifest.digest());
            JsonNode layers = manifest.json().path("layers");
            assertEquals(1, layers.size());
            assertEquals(os.digest(), layers.get(0).path("digest").asText());
            assertArrayEquals(Files.readAllBytes(os.file()), client.blob(repository, os.digest()).orElseThrow());
            JsonNode config = JSON.readTree(client.blob(repository,
                    manifest.json().path("config").path("digest").asText()).orElseThrow());
            assertEquals(List.of(os.diffId()), strings(config.path("rootfs").path("diff_ids")));
            assertEquals("slipway: os layer", config.path("history").get(0).path("created_by").asText());
            assertEquals("amd64", config.path("architecture").asText());
            assertEquals(List.of("CMD", "true"), strings(config.path("config").path("Healthcheck").path("Test")));

            HttpResponse<String> tags = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://" + registry.host() + "/v2/slipway/base-python/tags/list")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertFalse(JSON.readTree(tags.body()).path("tags").elements().hasNext(),
                    "the base is pushed by digest only: " + tags.body());

            assertEquals(new RegistryBase.Pushed(0, 0, 0, 0), base.push(client), "pushed again, nothing uploads");

            // kept for the next build, which then makes the same base without asking anything of the registry
            base.keep(dir.resolve("kept"), "identity");
            RegistryBase again = RegistryBase.kept(dir.resolve("kept"), "identity", repository, List.of(os),
                    new LayerUploads(client, repository)).orElseThrow();
            assertEquals(base.reference(), again.reference());
            assertTrue(RegistryBase.kept(dir.resolve("kept"), "other", repository, List.of(os),
                    new LayerUploads(client, repository)).isEmpty());
        }
    }

    @Test
    void aChildBaseListsItsParentsLayersFirstAndAStreamedLayerIsNotUploadedAgain() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            OciRegistry client = new OciRegistry(RegistryCredentials.anonymous(), true);
            ImageReference repository = ImageReference.parse(registry.host() + "/slipway/torch");
            BaseArchive.Layer os = layer("os layer");
            RegistryBase parent = pushedFromScratch(client, repository, os);

            BaseArchive.Layer wheels = layer("wheel layer");
            LayerUploads uploads = new LayerUploads(client, repository);
            try (var streamed = uploads.start().orElseThrow()) {
                streamed.write(Files.readAllBytes(wheels.file()));
                uploads.finished(wheels.digest(), streamed.finish(wheels.digest()));
            }
            RegistryBase child = RegistryBase.of(repository, startOn(client, repository, parent), List.of(wheels),
                    Optional.of(CHECK), uploads);
            assertEquals(new RegistryBase.Pushed(0, 0, 1, wheels.size()), child.push(client),
                    "the streamed layer counts as uploaded and is not sent again");

            JsonNode manifest = client.manifest(repository, child.digest()).orElseThrow().json();
            List<String> digests = new ArrayList<>();
            manifest.path("layers").forEach(l -> digests.add(l.path("digest").asText()));
            assertEquals(List.of(os.digest(), wheels.digest()), digests);
            JsonNode config = JSON.readTree(client.blob(repository,
                    manifest.path("config").path("digest").asText()).orElseThrow());
            assertEquals(List.of(os.diffId(), wheels.diffId()), strings(config.path("rootfs").path("diff_ids")));
        }
    }

    @Test
    void aZstdLayerMakesTheBaseAnOciManifestWithZstdsMediaTypeAndTheParentsGzipLayersKeepTheirs() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            OciRegistry client = new OciRegistry(RegistryCredentials.anonymous(), true);
            ImageReference repository = ImageReference.parse(registry.host() + "/slipway/torch");
            BaseArchive.Layer os = layer("os layer");
            RegistryBase parent = pushedFromScratch(client, repository, os);
            assertEquals(RegistryBase.DOCKER_MANIFEST, client.manifest(repository, parent.digest()).orElseThrow()
                    .mediaType(), "gzip only: Docker's schema, as Jib pushes");

            Path zst = dir.resolve("wheels.tar.zst");
            byte[] tar = "wheel layer".getBytes(StandardCharsets.UTF_8);
            try (OutputStream out = LayerCompression.ZSTD.open(Files.newOutputStream(zst))) {
                out.write(tar);
            }
            BaseArchive.Layer wheels = new BaseArchive.Layer(zst, "sha256:" + Sha256.hex(tar),
                    "sha256:" + Sha256.hex(zst), Files.size(zst), "slipway: wheels", LayerCompression.ZSTD);
            RegistryBase child = RegistryBase.of(repository, startOn(client, repository, parent), List.of(wheels),
                    Optional.empty(), new LayerUploads(client, repository));
            child.push(client);

            OciRegistry.Manifest manifest = client.manifest(repository, child.digest()).orElseThrow();
            assertEquals(OciRegistry.OCI_MANIFEST, manifest.mediaType());
            JsonNode json = manifest.json();
            assertEquals("application/vnd.oci.image.config.v1+json", json.at("/config/mediaType").asText());
            assertEquals(List.of("application/vnd.oci.image.layer.v1.tar+gzip " + os.digest(),
                    "application/vnd.oci.image.layer.v1.tar+zstd " + wheels.digest()),
                    List.of(json.at("/layers/0/mediaType").asText() + " " + json.at("/layers/0/digest").asText(),
                            json.at("/layers/1/mediaType").asText() + " " + json.at("/layers/1/digest").asText()));
            byte[] blob = client.blob(repository, wheels.digest()).orElseThrow();
            try (var in = LayerCompression.ZSTD.decompress(new java.io.ByteArrayInputStream(blob))) {
                assertArrayEquals(tar, in.readAllBytes(), "the blob unpacks to the tar of the diff ID");
            }
        }
    }

    @Test
    void aLayerWhoseStreamedUploadFailedIsPushedFromItsFileAndTheFailureIsTold() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            OciRegistry client = new OciRegistry(RegistryCredentials.anonymous(), true);
            ImageReference repository = ImageReference.parse(registry.host() + "/slipway/base-python");
            BaseArchive.Layer os = layer("os layer");
            LayerUploads uploads = new LayerUploads(client, repository);
            try (var streamed = uploads.start().orElseThrow()) {
                // cut short: what the registry got does not hash to the layer's digest, so it is not committed
                streamed.write(Files.readAllBytes(os.file()), 0, 3);
                uploads.finished(os.digest(), streamed.finish(os.digest()));
            }
            RegistryBase base = RegistryBase.of(repository, RegistryBase.Start.scratch("amd64"), List.of(os),
                    Optional.empty(), uploads);
            assertEquals(new RegistryBase.Pushed(1, os.size(), 0, 0), base.push(client));
            assertArrayEquals(Files.readAllBytes(os.file()), client.blob(repository, os.digest()).orElseThrow());
            assertEquals(1, base.streamFailures().size(), base.streamFailures().toString());
            assertTrue(base.streamFailures().get(0).startsWith("of " + os.digest() + " failed: "),
                    base.streamFailures().toString());
        }
    }

    /** Where a base built on {@code parent} (pushed into {@code repository}) starts, as the registry has it. */
    private static RegistryBase.Start startOn(OciRegistry client, ImageReference repository, RegistryBase parent)
            throws Exception {
        return RegistryBase.Start.of(ChildImagePush.read(client, repository, parent.digest()));
    }

    /** A base of {@code layer} on scratch, pushed. */
    private static RegistryBase pushedFromScratch(OciRegistry client, ImageReference repository,
            BaseArchive.Layer layer) throws Exception {
        RegistryBase base = RegistryBase.of(repository, RegistryBase.Start.scratch("amd64"), List.of(layer),
                Optional.empty(), new LayerUploads(client, repository));
        base.push(client);
        return base;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }
}
