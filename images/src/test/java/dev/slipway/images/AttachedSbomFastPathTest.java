package dev.slipway.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.images.progress.ProgressListener;
import dev.slipway.images.supplychain.AttachedSboms;
import dev.slipway.images.supplychain.OciRegistry;
import dev.slipway.images.supplychain.PushedImageArtifacts;
import dev.slipway.testkit.LocalRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SBOMs attached beside pushed images on a rebuild with nothing changed, counted from the real registry's
 * access log (Debian's docker-registry): one HEAD per SBOM tag and nothing else, and an SBOM that was deleted or
 * replaced by hand is attached again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AttachedSbomFastPathTest {
    private static final Pattern SBOM_HEAD = Pattern
            .compile("\"HEAD /v2/[^ \"]*/manifests/sha256-[0-9a-f]{64}\\.sbom ");
    private static final Pattern SBOM_GET = Pattern.compile("\"GET /v2/[^ \"]*/manifests/sha256-[0-9a-f]{64}\\.sbom ");
    private static final Pattern SBOM_PUT = Pattern.compile("\"PUT /v2/[^ \"]*/manifests/sha256-[0-9a-f]{64}\\.sbom ");
    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    @TempDir
    static Path work;
    BusyboxTestFleet fleet;
    LocalRegistry registry;
    String registryName;
    Map<String, String> sbomTags;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    void start() throws IOException {
        fleet = BusyboxTestFleet.create(work.resolve("inputs"));
        registry = LocalRegistry.start();
        registryName = registry.host() + "/slipway";
    }

    @AfterAll
    void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    /** One build as {@code build --registry} runs it: the images, then their SBOMs; each image's SBOM tag. */
    private Build buildAndAttach() throws IOException {
        Path cache = work.resolve("cache");
        BuildReport report = new FleetImageBuilder().build(
                fleet.request(registryName, BuildTarget.registry(true), cache), ProgressListener.SILENT);
        List<PushedImageArtifacts.Attached> attached = new PushedImageArtifacts(
                new OciRegistry(RegistryCredentials.anonymous(), true), new PushRecords(new SlipwayCache(cache)))
                .attach(report.images(), plan -> Optional.empty(), Optional.empty(), 2, one -> {
                });
        Map<String, String> tags = new HashMap<>();
        attached.forEach(a -> tags.put(a.image().image(), a.sbomTag()));
        return new Build(report, tags);
    }

    private record Build(BuildReport report, Map<String, String> sbomTags) {
        BuiltImage image(String name, String machine) {
            return report.images().stream().filter(i -> i.plan().name().equals(name)
                    && i.plan().machine().orElse("").equals(machine)).findFirst().orElseThrow();
        }
    }

    @Test
    @Order(1)
    void aColdBuildAttachesEveryImagesSbom() throws IOException {
        int logBefore = registry.log().length();
        Build cold = buildAndAttach();
        String log = registry.log().substring(logBefore);
        assertEquals(5, cold.report().images().size());
        assertEquals(5, RegistryLog.count(SBOM_PUT, log), "one SBOM manifest put per image:\n" + log);
        for (BuiltImage image : cold.report().images()) {
            assertFalse(image.sbomUpToDate(), image.image());
            assertEquals(AttachedSboms.tag(image.digest()), cold.sbomTags().get(image.image()));
        }
        sbomTags = cold.sbomTags();
    }

    @Test
    @Order(2)
    void aSecondBuildWithNothingChangedAsksForEachImageAndSbomTagOnceAndNothingElse() throws IOException {
        int logBefore = registry.log().length();
        Build again = buildAndAttach();
        String log = registry.log().substring(logBefore);
        assertEquals(5, again.report().upToDate());
        assertTrue(again.report().images().stream().allMatch(BuiltImage::sbomUpToDate), "every SBOM is up to date");
        assertEquals(sbomTags, again.sbomTags(), "each image is reported with its SBOM tag as before");
        assertEquals(5, RegistryLog.count(SBOM_HEAD, log), "one HEAD per SBOM tag:\n" + log);
        assertEquals(0, RegistryLog.count(SBOM_GET, log), "SBOM manifests read:\n" + log);
        assertEquals(0, RegistryLog.count(SBOM_PUT, log), "SBOM manifests put:\n" + log);
        assertEquals(10, RegistryLog.count(RegistryLog.REQUEST, log),
                "one HEAD per image tag and per SBOM tag, nothing else:\n" + log);
    }

    @Test
    @Order(3)
    void anSbomDeletedByHandIsAttachedAgainByTheNextBuild() throws Exception {
        BuiltImage echo = buildAndAttach().image("echo", "alpha");
        AttachedSboms sboms = new AttachedSboms(new OciRegistry(RegistryCredentials.anonymous(), true));
        byte[] before = sboms.read(echo.image()).orElseThrow().sbom();
        String tag = AttachedSboms.tag(echo.digest());
        String manifest = manifestDigest(echo, tag).orElseThrow();
        HttpResponse<String> deleted = http.send(HttpRequest.newBuilder(manifestUrl(echo, manifest)).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, deleted.statusCode(), deleted.body());
        assertEquals(Optional.empty(), manifestDigest(echo, tag), "the SBOM tag is gone");
        assertTrue(sboms.read(echo.image()).isEmpty());

        int logBefore = registry.log().length();
        Build again = buildAndAttach();
        String log = registry.log().substring(logBefore);
        assertEquals(5, again.report().upToDate(), "the images themselves are up to date");
        for (BuiltImage image : again.report().images()) {
            assertEquals(!image.image().equals(echo.image()), image.sbomUpToDate(), image.image());
        }
        assertEquals(1, RegistryLog.count(SBOM_PUT, log), "echo's SBOM only:\n" + log);
        assertEquals(tag, again.sbomTags().get(echo.image()));
        assertArrayEquals(before, sboms.read(echo.image()).orElseThrow().sbom(), "the same SBOM is attached again");
        assertAllUpToDateNext();
    }

    @Test
    @Order(4)
    void anSbomTagMovedByHandIsPutBackByTheNextBuild() throws Exception {
        Build now = buildAndAttach();
        BuiltImage alpha = now.image("echo", "alpha");
        BuiltImage beta = now.image("echo", "beta");
        String alphaTag = AttachedSboms.tag(alpha.digest());
        String alphaManifest = manifestDigest(alpha, alphaTag).orElseThrow();
        // beta's SBOM manifest (same repository) under alpha's SBOM tag: the tag is there but points elsewhere
        String betaManifest = http.send(HttpRequest.newBuilder(manifestUrl(beta, AttachedSboms.tag(beta.digest())))
                .header("Accept", OCI_MANIFEST).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        HttpResponse<String> moved = http.send(HttpRequest.newBuilder(manifestUrl(alpha, alphaTag))
                .header("Content-Type", OCI_MANIFEST).PUT(HttpRequest.BodyPublishers.ofString(betaManifest)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, moved.statusCode(), moved.body());
        assertNotEquals(Optional.of(alphaManifest), manifestDigest(alpha, alphaTag), "alpha's SBOM tag moved");

        Build again = buildAndAttach();
        for (BuiltImage image : again.report().images()) {
            assertEquals(!image.image().equals(alpha.image()), image.sbomUpToDate(), image.image());
        }
        assertEquals(Optional.of(alphaManifest), manifestDigest(alpha, alphaTag), "alpha's own SBOM is back");
        assertAllUpToDateNext();
    }

    private void assertAllUpToDateNext() throws IOException {
        int logBefore = registry.log().length();
        Build next = buildAndAttach();
        String log = registry.log().substring(logBefore);
        assertTrue(next.report().images().stream().allMatch(BuiltImage::sbomUpToDate), "then all are:\n" + log);
        assertEquals(10, RegistryLog.count(RegistryLog.REQUEST, log), log);
    }

    private Optional<String> manifestDigest(BuiltImage image, String tag) throws Exception {
        HttpResponse<Void> head = http.send(HttpRequest.newBuilder(manifestUrl(image, tag)).header("Accept",
                OCI_MANIFEST).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        return head.statusCode() == 200 ? head.headers().firstValue("Docker-Content-Digest") : Optional.empty();
    }

    private URI manifestUrl(BuiltImage image, String reference) {
        return URI.create("http://" + registry.host() + "/v2/" + image.plan().image().repository()
                .substring(registry.host().length() + 1) + "/manifests/" + reference);
    }
}
