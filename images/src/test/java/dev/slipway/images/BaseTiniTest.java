package dev.slipway.images;

import static dev.slipway.dsl.Slipway.family;
import static dev.slipway.dsl.Slipway.fleet;
import static dev.slipway.dsl.Slipway.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.tools.jib.api.ImageReference;
import dev.slipway.dsl.Base;
import dev.slipway.dsl.Family;
import dev.slipway.dsl.FleetSpec;
import dev.slipway.dsl.HealthProbe;
import dev.slipway.images.progress.ProgressListener;
import dev.slipway.images.supplychain.OciRegistry;
import dev.slipway.plan.BuildIdentity;
import dev.slipway.plan.ImagePlanner;
import dev.slipway.testkit.BusyboxTiniRootfs;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.validation.Fleet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * tini is guaranteed for families on a registry base: two small bases pushed to a real registry (Debian's
 * docker-registry on loopback) from the busybox + tini rootfs, one with {@code /usr/bin/tini} deleted, the other a
 * multi-platform index whose linux/amd64 image has tini (its arm64 image is the one without). A fleet on the first
 * is refused at build before anything reaches the registry; a fleet on the second builds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BaseTiniTest {
    private static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

    @TempDir
    static Path work;
    LocalRegistry registry;
    OciRegistry client;
    String withoutTini;
    String withTini;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void pushBases() throws Exception {
        registry = LocalRegistry.start();
        client = new OciRegistry(RegistryCredentials.anonymous(), true);
        BusyboxTiniRootfs with = BusyboxTiniRootfs.create(work.resolve("rootfs-with"));
        BusyboxTiniRootfs without = BusyboxTiniRootfs.create(work.resolve("rootfs-without"));
        Files.delete(without.dir().resolve("usr/bin/tini"));
        byte[] withTar = Files.readAllBytes(with.writeTar(work.resolve("with.tar")));
        byte[] withoutTar = Files.readAllBytes(without.writeTar(work.resolve("without.tar")));
        // the fleet's own inputs: a tini binary to copy, a service's application
        Files.createDirectories(work.resolve("fleet/bin"));
        Files.copy(with.dir().resolve("usr/bin/tini"), work.resolve("fleet/bin/tini"));
        Files.createDirectories(work.resolve("fleet/services/web/www"));
        Files.writeString(work.resolve("fleet/services/web/www/health"), "{\"status\":\"ok\"}");

        String bare = registry.host() + "/bases/no-tini";
        withoutTini = bare + "@" + pushImage(bare, withoutTar);
        String multi = registry.host() + "/bases/busybox-tini";
        String amd64 = pushImage(multi, withTar);
        String arm64 = pushImage(multi, withoutTar);
        withTini = multi + "@" + pushIndex(multi, amd64, arm64);
    }

    @AfterAll
    void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void aFamilyOnABaseWithoutTiniIsRefusedBeforeAnythingIsPushed() throws Exception {
        Family bare = family("bare").from(Base.image(withoutTini));
        Family bareToo = family("bare-too").from(Base.image(withoutTini)).healthProbe(HealthProbe.BUSYBOX_WGET);
        Family copies = family("copies-tini").from(Base.image(withoutTini)).files("bin/tini", "/usr/bin/tini");
        Family busybox = family("busybox").from(Base.image(withTini)).healthProbe(HealthProbe.BUSYBOX_WGET);
        FleetSpec spec = fleetOf("refused", List.of(bare, bareToo, copies, busybox), busybox);
        int logBefore = registry.log().length();

        InvalidBuildInputException refused = assertThrows(InvalidBuildInputException.class,
                () -> build(spec, "cache-refused"));

        String advice = " has no /usr/bin/tini, which every service runs as PID 1: copy a static tini there on this"
                + " family (.files(\"bin/tini-static\", \"/usr/bin/tini\"), e.g. from Debian's tini package) or start"
                + " from a base that has it";
        assertEquals(List.of("family bare-too: " + withoutTini + advice, "family bare: " + withoutTini + advice),
                refused.problems().stream().map(InputProblem::toString).toList(),
                "every family on the base without tini, and only those, one line each");
        String log = registry.log().substring(logBefore);
        assertFalse(log.contains("\"PUT /v2/"), "no manifest or blob was pushed:\n" + log);
        assertFalse(log.contains("\"POST /v2/"), "no upload was started:\n" + log);
        for (String family : List.of("bare", "bare-too", "copies-tini", "busybox")) {
            assertEquals(404, get("/v2/refused/" + family + "/tags/list").statusCode(), family + " has no tag");
        }
        assertEquals(404, get("/v2/refused/tinitest/web/tags/list").statusCode(), "the service has no tag");
        assertEquals("absent\n", Files.readString(verdictOf("cache-refused", withoutTini)));
    }

    @Test
    void aFamilyOnABaseWithTiniBuildsAndItsBaseIsReadOnlyOnce() throws Exception {
        Family busybox = family("busybox").from(Base.image(withTini)).healthProbe(HealthProbe.BUSYBOX_WGET);
        FleetSpec spec = fleetOf("builds", List.of(busybox), busybox);

        BuildReport first = build(spec, "cache-builds");

        assertEquals(2, first.images().size());
        assertTrue(get("/v2/builds/busybox/tags/list").body().contains(BusyboxTestFleet.TAG));
        assertTrue(get("/v2/builds/tinitest/web/tags/list").body().contains(BusyboxTestFleet.TAG + "-alpha"));
        assertEquals("present\n", Files.readString(verdictOf("cache-builds", withTini)));
        int logBefore = registry.log().length();
        BuildReport again = build(spec, "cache-builds");
        String log = registry.log().substring(logBefore);
        assertEquals(2, again.upToDate());
        assertFalse(log.contains("/v2/bases/"), "the verdict comes from the cache, the base is not read:\n" + log);
    }

    private FleetSpec fleetOf(String org, List<Family> families, Family serviceFamily) {
        return fleet("tinitest").registry(registry.host() + "/" + org).machines(BusyboxTestFleet.ALPHA)
                .families(families.toArray(Family[]::new))
                .services(service("web").family(serviceFamily).ports(18080, 18081).on(BusyboxTestFleet.ALPHA)
                        .app("services/web")
                        .command("httpd", "-f", "-p", "18081", "-h", "/app/www"));
    }

    private BuildReport build(FleetSpec spec, String cache) {
        Fleet fleet = Fleet.compile(spec).orThrow();
        BuildRequest request = new BuildRequest(ImagePlanner.plan(fleet, new BuildIdentity(BusyboxTestFleet.TAG,
                BusyboxTestFleet.REVISION)), work.resolve("fleet"), BuildTarget.registry(true),
                new SlipwayCache(work.resolve(cache)), RegistryCredentials.anonymous(), 2);
        return new FleetImageBuilder().build(request, ProgressListener.SILENT);
    }

    private static Path verdictOf(String cache, String base) {
        String digest = base.substring(base.indexOf('@') + 1);
        return new SlipwayCache(work.resolve(cache)).baseTini().resolve(digest.replace(':', '-'));
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + registry.host() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A one-layer linux/amd64 OCI image (gzip layer) in {@code repository}; its manifest's digest. */
    private String pushImage(String repository, byte[] tar) throws Exception {
        ImageReference reference = ImageReference.parse(repository);
        byte[] layer = gzip(tar);
        String layerDigest = client.pushBlob(reference, layer);
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":"
                + "[\"sha256:" + Sha256.hex(tar) + "\"]},\"config\":{}}").getBytes(StandardCharsets.UTF_8);
        String configDigest = client.pushBlob(reference, config);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + OciRegistry.OCI_MANIFEST + "\",\"config\":{"
                + "\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"size\":" + config.length
                + ",\"digest\":\"" + configDigest + "\"},\"layers\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"size\":" + layer.length + ",\"digest\":\""
                + layerDigest + "\"}]}").getBytes(StandardCharsets.UTF_8);
        String digest = "sha256:" + Sha256.hex(manifest);
        return client.putManifest(reference, digest, OciRegistry.OCI_MANIFEST, manifest);
    }

    /** An OCI index of two manifests already in {@code repository} (amd64, then arm64), tagged 1; its digest. */
    private String pushIndex(String repository, String amd64, String arm64) throws Exception {
        ImageReference reference = ImageReference.parse(repository);
        List<String> entries = new ArrayList<>();
        for (String[] platform : List.of(new String[]{amd64, "amd64"}, new String[]{arm64, "arm64"})) {
            int size = client.manifest(reference, platform[0]).orElseThrow().bytes().length;
            entries.add("{\"mediaType\":\"" + OciRegistry.OCI_MANIFEST + "\",\"digest\":\"" + platform[0]
                    + "\",\"size\":" + size + ",\"platform\":{\"architecture\":\"" + platform[1]
                    + "\",\"os\":\"linux\"}}");
        }
        byte[] index = ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_INDEX + "\",\"manifests\":["
                + String.join(",", entries) + "]}").getBytes(StandardCharsets.UTF_8);
        return client.putManifest(reference, "1", OCI_INDEX, index);
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gzip = new GzipCompressorOutputStream(out)) {
            gzip.write(bytes);
        }
        return out.toByteArray();
    }
}
