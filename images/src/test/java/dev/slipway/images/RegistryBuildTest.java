package dev.slipway.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.slipway.images.progress.ProgressListener;
import dev.slipway.model.HealthCheck;
import dev.slipway.testkit.CommandResult;
import dev.slipway.testkit.FreePort;
import dev.slipway.testkit.LocalDockerd;
import dev.slipway.testkit.LocalRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
 * Pushes the busybox fleet to a real registry (Debian's docker-registry), reads it back over the registry API,
 * pulls and runs a service in a real dockerd, and counts what a rebuild pushes, from Jib's events and from the
 * registry's own access log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryBuildTest {
    private static final Pattern BLOB_UPLOAD = Pattern.compile("\"POST /v2/[^ \"]*/blobs/uploads/");
    private static final Pattern MANIFEST_PUT = Pattern.compile("\"PUT /v2/[^ \"]*/manifests/");
    private static final Pattern MANIFEST_HEAD = Pattern.compile("\"HEAD /v2/[^ \"]*/manifests/");
    private static final Pattern UPLOAD_DONE = Pattern
            .compile("\"PUT /v2/[^ \"]*/blobs/uploads/[^ \"]* HTTP/1.1\" 201");
    private static final Pattern MOUNTED = Pattern
            .compile("\"POST /v2/[^ \"]*/blobs/uploads/\\?mount=[^ \"]* HTTP/1.1\" 201");
    private static final Pattern UPLOADED_DIGEST = Pattern
            .compile(
                    "\"PUT /v2/[^ \"]*/blobs/uploads/[^ \"]*digest=(sha256(?:%3A|:)[0-9a-f]{64})[^ \"]* HTTP/1.1\" 201");
    private static final String MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json";

    @TempDir
    static Path work;
    BusyboxTestFleet fleet;
    LocalRegistry registry;
    LocalDockerd dockerd;
    String registryName;
    BuildReport pushed;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    void start() throws IOException {
        fleet = BusyboxTestFleet.create(work.resolve("inputs"));
        registry = LocalRegistry.start();
        registryName = registry.host() + "/slipway";
        dockerd = LocalDockerd.builder().insecureRegistry(registry.host()).start();
    }

    @AfterAll
    void stop() {
        if (dockerd != null) {
            dockerd.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    private BuildReport push() {
        return new FleetImageBuilder().build(
                fleet.request(registryName, BuildTarget.registry(true), work.resolve("cache")),
                ProgressListener.SILENT);
    }

    @Test
    @Order(1)
    void pushesEveryImageAndTheRegistryServesItAsPlanned() throws Exception {
        int logBefore = registry.log().length();
        pushed = push();
        assertEquals(5, pushed.images().size());
        // what Slipway reports is what the registry saw: uploads and cross-repository mounts apart
        String log = registry.log().substring(logBefore);
        ImageWork cold = pushed.totalWork();
        assertEquals(RegistryLog.count(UPLOAD_DONE, log), cold.blobsPushed(), "blob uploads:\n" + log);
        assertEquals(RegistryLog.count(MOUNTED, log), cold.blobsMounted(), "blob mounts:\n" + log);
        assertTrue(cold.blobsMounted() > 0, "services mount their family's layers");
        // a blob is uploaded once in the whole build, then mounted: the machine-profile layer that services of one
        // family and machine share, though each service has a repository of its own
        List<String> uploads = UPLOADED_DIGEST.matcher(log).results().map(m -> m.group(1)).toList();
        assertEquals(new java.util.HashSet<>(uploads).size(), uploads.size(), "a blob uploaded twice:\n" + log);
        // a child mounts its parent's layers: none is downloaded back from the registry to be pushed again
        Pattern layerGet = Pattern.compile("\"GET /v2/[^ \"]*/blobs/(sha256:[0-9a-f]{64}) ");
        List<String> layerDigests = new java.util.ArrayList<>();
        for (BuiltImage image : pushed.images()) {
            JsonNode manifest = JsonMapper.builder().build().readTree(registryGet(image.image(), "manifests").body());
            manifest.get("layers").forEach(layer -> layerDigests.add(layer.get("digest").asText()));
        }
        List<String> pulledLayers = layerGet.matcher(log).results().map(m -> m.group(1))
                .filter(layerDigests::contains).toList();
        assertEquals(List.of(), pulledLayers, "layer blobs downloaded during the push:\n" + log);
        assertEquals(0, pushed.upToDate());
        for (BuiltImage image : pushed.images()) {
            HttpResponse<String> manifest = registryGet(image.image(), "manifests");
            assertEquals(200, manifest.statusCode(), image.image());
            assertEquals(image.digest(), manifest.headers().firstValue("Docker-Content-Digest").orElseThrow());
            JsonNode config = configOf(image.image(), manifest.body());
            JsonNode c = config.get("config");
            assertEquals("amd64", config.get("architecture").asText());
            assertEquals(BusyboxTestFleet.REVISION, c.get("Labels").get("org.opencontainers.image.revision").asText());
            assertEquals("testfleet", c.get("Labels").get("dev.slipway.fleet").asText());
            if (image.plan().kind() == dev.slipway.plan.ImagePlan.Kind.SERVICE) {
                assertEquals("10001:10001", c.get("User").asText());
                assertEquals(List.of("/usr/bin/tini", "--"), TarballBuildTest.strings(c.get("Entrypoint")));
                List<String> ports = TarballBuildTest.iterate(c.get("ExposedPorts"));
                int healthPort = Integer.parseInt(c.get("Labels").get("health_check_port").asText());
                assertEquals(2, ports.size(), ports.toString());
                assertTrue(ports.contains(healthPort + "/tcp"), ports.toString());
                assertEquals(image.plan().name(), c.get("Labels").get("dev.slipway.service").asText());
                assertEquals(image.plan().machine().orElseThrow(), c.get("Labels").get("dev.slipway.machine").asText());
                assertTrue(TarballBuildTest.strings(c.get("Env"))
                        .contains("SLIPWAY_MACHINE=" + image.plan().machine().orElseThrow()));
            }
        }
        // the same fleet written as tarballs has the very same digests as the pushed images
        BuildReport tarballs = new FleetImageBuilder().build(
                fleet.request(registryName, BuildTarget.tarballs(work.resolve("out")), work.resolve("cache-tar")),
                ProgressListener.SILENT);
        assertEquals(ImageIndex.digests(pushed), ImageIndex.digests(tarballs));
    }

    @Test
    @Order(2)
    void aPushedServiceRunsInDockerAsAppuserUnderTiniAndAnswersHealth() throws Exception {
        BuiltImage echo = service("echo", "alpha");
        dockerd.docker("pull", echo.image()).requireSuccess();
        String container = dockerd.docker("run", "-d", "--network", "host", echo.image()).requireSuccess()
                .stdout().strip();
        try {
            assertEquals(HealthCheck.HEALTHY_BODY, awaitBody(fleet.echoHealthPort, "/health"));
            assertEquals("<h1>echo</h1>\n", awaitBody(fleet.echoPort, "/index.html"), "the service port serves too");
            assertEquals("10001", dockerd.docker("exec", container, "id", "-u").requireSuccess().stdout().strip());
            String pid1 = dockerd.docker("exec", container, "cat", "/proc/1/cmdline").requireSuccess().stdout();
            assertEquals("/usr/bin/tini", pid1.split("\0")[0], "PID 1 must be tini: " + pid1);
            JsonNode profile = JsonMapper.builder().build().readTree(dockerd.docker("exec", container, "cat",
                    "/etc/machine-profile.json").requireSuccess().stdout());
            assertEquals("alpha", profile.get("machine").asText());
            assertEquals("Built by Slipway.\n",
                    dockerd.docker("exec", container, "cat", "/etc/motd").requireSuccess().stdout());
            CommandResult write = dockerd.docker("exec", container, "sh", "-c", "echo x > /app/www/health");
            assertFalse(write.succeeded(), "appuser cannot rewrite its own application");
            // the base tarball has no /home at all: the service's own layer brings appuser's home
            assertEquals("/home/appuser 10001:10001 10001", dockerd.docker("exec", container, "sh", "-c",
                    "touch $HOME/x && echo $HOME $(stat -c %u:%g $HOME/x) $(id -u)").requireSuccess().stdout()
                    .strip());
        } finally {
            dockerd.docker("rm", "-f", container);
        }
    }

    @Test
    @Order(3)
    void dockerLoadAcceptsTheTarballs() {
        BuiltImage hello = service("hello", "alpha");
        Path tarball = work.resolve("out/services/hello.alpha.tar");
        CommandResult load = dockerd.docker("load", "-i", tarball.toString()).requireSuccess();
        assertTrue(load.stdout().contains(hello.image()), load.stdout());
        String user = dockerd.docker("image", "inspect", "--format", "{{.Config.User}}", hello.image())
                .requireSuccess().stdout().strip();
        assertEquals("10001:10001", user);
    }

    @Test
    @Order(4)
    void aSecondBuildWithNothingChangedAsksForEachTagOnceAndPushesNothing() {
        int logBefore = registry.log().length();
        BuildReport again = push();
        assertEquals(ImageIndex.digests(pushed), ImageIndex.digests(again));
        assertEquals(5, again.upToDate(), "every image is up to date");
        ImageWork work = again.totalWork();
        assertEquals(0, work.layersBuilt(), "layers built");
        assertEquals(0, work.blobsPushed(), "blobs pushed");
        String log = registry.log().substring(logBefore);
        assertEquals(5, RegistryLog.count(MANIFEST_HEAD, log), "one manifest HEAD per tag:\n" + log);
        assertEquals(5, RegistryLog.count(RegistryLog.REQUEST, log), "and no other request:\n" + log);
    }

    @Test
    @Order(5)
    void changingOneAppFilePushesOnlyThatServicesAppLayerAndConfig() throws IOException {
        Files.writeString(fleet.dir.resolve("services/hello/www/index.html"), "<h1>hello, changed</h1>\n");
        int logBefore = registry.log().length();
        BuildReport changed = push();
        for (BuiltImage image : changed.images()) {
            String before = ImageIndex.digests(pushed).get(image.image());
            if (image.plan().name().equals("hello")) {
                assertNotEquals(before, image.digest());
                assertFalse(image.work().upToDate());
                assertEquals(1, image.work().layersBuilt(), "the application layer");
                assertEquals(2, image.work().blobsPushed(), "the application layer and the config");
            } else {
                assertEquals(before, image.digest(), image.image());
                assertTrue(image.work().upToDate(), image.image());
            }
        }
        String log = registry.log().substring(logBefore);
        assertEquals(2, RegistryLog.count(UPLOAD_DONE, log), "blob uploads the registry saw:\n" + log);
        assertEquals(1, RegistryLog.count(MANIFEST_PUT, log),
                "manifest puts the registry saw: hello's tag only\n" + log);
        pushed = changed;
    }

    @Test
    @Order(6)
    void aTagMovedByHandIsPutBackByTheNextBuild() throws Exception {
        BuiltImage alpha = service("echo", "alpha");
        BuiltImage beta = service("echo", "beta");
        String betaManifest = registryGet(beta.image(), "manifests").body();
        String alphaTag = alpha.image().substring(registry.host().length() + 1);
        int colon = alphaTag.lastIndexOf(':');
        HttpResponse<String> moved = http.send(HttpRequest.newBuilder(URI.create("http://" + registry.host()
                + "/v2/" + alphaTag.substring(0, colon) + "/manifests/" + alphaTag.substring(colon + 1)))
                .header("Content-Type", MANIFEST_V2).PUT(HttpRequest.BodyPublishers.ofString(betaManifest)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, moved.statusCode(), moved.body());
        assertEquals(beta.digest(), registryGet(alpha.image(), "manifests").headers()
                .firstValue("Docker-Content-Digest").orElseThrow(), "the alpha tag now points at beta's image");

        BuildReport again = push();
        assertEquals(ImageIndex.digests(pushed), ImageIndex.digests(again));
        for (BuiltImage image : again.images()) {
            assertEquals(!image.image().equals(alpha.image()), image.work().upToDate(), image.image());
        }
        assertEquals(alpha.digest(), registryGet(alpha.image(), "manifests").headers()
                .firstValue("Docker-Content-Digest").orElseThrow(), "the alpha tag points at alpha's image again");
    }

    @Test
    @Order(7)
    void aRegistryThatRefusesConnectionsFailsNamingItAndTagsNothing() {
        int closedPort = FreePort.onLoopback();
        String nowhere = "127.0.0.1:" + closedPort + "/slipway";
        FleetBuildException failed = assertThrows(FleetBuildException.class, () -> new FleetImageBuilder().build(
                fleet.request(nowhere, BuildTarget.registry(true), work.resolve("cache")), ProgressListener.SILENT));
        assertEquals(5, failed.failures().size(), failed.failures().toString());
        assertTrue(failed.built().isEmpty());
        ImageFailure base = failed.failures().get(0);
        assertTrue(base.image().startsWith("127.0.0.1:" + closedPort + "/slipway/busybox-base:"), base.toString());
        assertTrue(base.reason().contains("127.0.0.1:" + closedPort), base.reason());
        assertTrue(base.reason().toLowerCase(java.util.Locale.ROOT).contains("refused"), base.reason());
        for (ImageFailure skipped : failed.failures().subList(1, 5)) {
            assertTrue(skipped.reason().startsWith("not built: its base "), skipped.toString());
        }
    }

    private BuiltImage service(String name, String machine) {
        return pushed.images().stream()
                .filter(i -> i.plan().name().equals(name) && i.plan().machine().orElse("").equals(machine))
                .findFirst().orElseThrow();
    }

    private HttpResponse<String> registryGet(String image, String kind) throws Exception {
        String path = image.substring(registry.host().length() + 1);
        int colon = path.lastIndexOf(':');
        return http.send(HttpRequest.newBuilder(URI.create("http://" + registry.host() + "/v2/"
                + path.substring(0, colon) + "/" + kind + "/" + path.substring(colon + 1)))
                .header("Accept", MANIFEST_V2).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode configOf(String image, String manifest) throws Exception {
        String digest = JsonMapper.builder().build().readTree(manifest).get("config").get("digest").asText();
        String path = image.substring(registry.host().length() + 1);
        String repository = path.substring(0, path.lastIndexOf(':'));
        HttpResponse<String> blob = http.send(HttpRequest.newBuilder(URI.create("http://" + registry.host()
                + "/v2/" + repository + "/blobs/" + digest)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, blob.statusCode());
        return JsonMapper.builder().build().readTree(blob.body());
    }

    private String awaitBody(int port, String path) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    return answer.body();
                }
                last = answer.statusCode() + " " + answer.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("127.0.0.1:" + port + path + " did not answer 200 within 30 s: " + last);
    }
}
