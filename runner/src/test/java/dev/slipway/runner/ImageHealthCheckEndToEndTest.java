package dev.slipway.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.slipway.dsl.HealthProbe;
import dev.slipway.testkit.FreePort;
import dev.slipway.testkit.LocalDockerd;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.ScratchDirectory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The health check a packaged family's image carries, so {@code docker run} by hand reports health: a family built
 * from Debian's python3 and tini (a base config Slipway writes), two services on it that answer on {@code /ready}
 * (their planned health path), one with the exact body and one with another. Each pushed service image, run with no
 * health option, has the family's env-reading check in {@code .Config.Healthcheck} at the SPEC's timings; the first
 * becomes healthy, the second unhealthy. A rebuild from an empty cache pushes the very same digests.
 */
class ImageHealthCheckEndToEndTest {
    private static final String TAG = "hc-e2e";
    private static final long SECOND = 1_000_000_000L;

    static Path work;
    static Path repo;
    static Path fleet;
    /** ok's service and health port, wrong's service and health port */
    static int[] ports = new int[4];

    @BeforeAll
    static void repositoryLocksAndFleet() throws Exception {
        work = Files.createTempDirectory("slipway-image-health");
        repo = work.resolve("debian-repo");
        fleet = Files.createDirectories(work.resolve("fleet"));
        Set<Integer> taken = new HashSet<>();
        for (int i = 0; i < ports.length; i++) {
            do {
                ports[i] = FreePort.onLoopback();
            } while (!taken.add(ports[i]));
        }
        Path app = Files.createDirectories(fleet.resolve("services/app"));
        // answers only the planned path, so a check that probed /health would fail as well
        Files.writeString(app.resolve("app.py"), """
                import os
                from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

                BODY = os.environ.get("HEALTH_BODY", '{"status":"ok"}').encode()


                class Health(BaseHTTPRequestHandler):
                    def do_GET(self):
                        if self.path != "/ready":
                            self.send_error(404)
                            return
                        self.send_response(200)
                        self.send_header("Content-Length", str(len(BODY)))
                        self.end_headers()
                        self.wfile.write(BODY)

                    def log_message(self, *args):
                        pass


                ThreadingHTTPServer(("127.0.0.1", int(os.environ["HEALTH_PORT"])), Health).serve_forever()
                """);
        Files.writeString(fleet.resolve("HealthFleet.java"), """
                import static dev.slipway.dsl.DebianSuite.BOOKWORM;
                import static dev.slipway.dsl.Slipway.family;
                import static dev.slipway.dsl.Slipway.fleet;
                import static dev.slipway.dsl.Slipway.service;
                import static dev.slipway.machines.MachineProfiles.MAINPC;

                import dev.slipway.dsl.Base;
                import dev.slipway.dsl.Family;
                import dev.slipway.dsl.FleetDefinitionSource;
                import dev.slipway.dsl.FleetSpec;
                import dev.slipway.model.HealthCheck;
                import java.time.Duration;

                public final class HealthFleet implements FleetDefinitionSource {
                    static final HealthCheck READY = new HealthCheck("/ready", Duration.ofSeconds(30),
                            Duration.ofSeconds(10), Duration.ofSeconds(40), 3);

                    @Override
                    public FleetSpec define() {
                        Family python = family("base-python").from(Base.scratch()).debian(BOOKWORM, "python3", "tini");
                        return fleet("healthfleet").registry("127.0.0.1:5000/slipway").machines(MAINPC)
                                .families(python)
                                .services(
                                        service("ok").family(python).ports(OK_SERVICE, OK_HEALTH).on(MAINPC)
                                                .app("services/app").command("python3", "/app/app.py")
                                                .healthCheck(READY),
                                        service("wrong").family(python).ports(WRONG_SERVICE, WRONG_HEALTH).on(MAINPC)
                                                .app("services/app").command("python3", "/app/app.py")
                                                .healthCheck(READY).env("HEALTH_BODY", "{}"));
                    }
                }
                """.replace("OK_SERVICE", Integer.toString(ports[0])).replace("OK_HEALTH", Integer.toString(ports[1]))
                .replace("WRONG_SERVICE", Integer.toString(ports[2]))
                .replace("WRONG_HEALTH", Integer.toString(ports[3])));

        CliRun.makeDebianRepository(Path.of("..", "scripts", "make-debian-repo.sh"),
                work.resolve("make-debian-repo.log"), fleet.resolve("HealthFleet.java").toString(),
                fleet.resolve("locks").toString(), repo.toString());
        CliRun lock = cli("lock", "--fleet", fleet.resolve("HealthFleet.java").toString(), "--debian-mirror",
                "unsigned:" + repo);
        assertEquals(0, lock.exitCode(), lock.err());
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (work != null) {
            ScratchDirectory.deleteTree(work);
        }
    }

    @Test
    void aServiceImageRunByHandReportsHealthFromItsFamilysCheckAndARebuildHasTheSameDigests() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start();
                LocalDockerd docker = LocalDockerd.builder().insecureRegistry(registry.host()).start()) {
            String org = registry.host() + "/slipway";
            Map<String, String> images = new LinkedHashMap<>();
            images.put("family", org + "/base-python:" + TAG);
            images.put("ok", org + "/healthfleet/ok:" + TAG + "-mainpc");
            images.put("wrong", org + "/healthfleet/wrong:" + TAG + "-mainpc");
            CliRun build = build(org, "cache-a");
            assertEquals(0, build.exitCode(), build.out() + build.err());
            Map<String, String> pushed = digests(registry, images);
            // the family's Debian layer went to the registry as it was written: no base tarball around it, shown
            // as it went, and never read back from the registry
            assertTrue(build.out().contains(images.get("family") + ": wrote Debian layer, "), build.out());
            assertFalse(Files.exists(work.resolve("cache-a/staging/packaged-bases")), "no base tarball is written");
            String layer = firstLayer(registry, images.get("family"));
            assertTrue(
                    registry.log().lines().noneMatch(l -> l.contains("\"GET /v2/slipway/base-python/blobs/" + layer)),
                    "the Debian layer " + layer + " is never pulled back");

            List<String> containers = new ArrayList<>();
            try {
                for (String service : List.of("ok", "wrong")) {
                    docker.docker(Duration.ofMinutes(5), "pull", images.get(service)).requireSuccess();
                    // by hand, as a user would: no --health-* option
                    docker.docker("run", "-d", "--network", "host", "--name", "hc-" + service, images.get(service))
                            .requireSuccess();
                    containers.add("hc-" + service);
                }
                for (String container : containers) {
                    JsonNode check = json(docker.docker("inspect", "-f", "{{json .Config.Healthcheck}}", container)
                            .requireSuccess().stdout());
                    assertEquals(HealthProbe.PYTHON3.commandFromEnvironment(), strings(check.get("Test")), container);
                    assertEquals(List.of(30 * SECOND, 10 * SECOND, 40 * SECOND, 3L), List.of(
                            check.get("Interval").asLong(), check.get("Timeout").asLong(),
                            check.get("StartPeriod").asLong(), check.get("Retries").asLong()), container);
                    List<String> env = strings(json(docker.docker("inspect", "-f", "{{json .Config.Env}}", container)
                            .requireSuccess().stdout()));
                    assertTrue(env.contains("HEALTH_PATH=/ready"), env.toString());
                }

                // while the checks run: a rebuild from an empty cache, pushed over the same tags
                CliRun rebuild = build(org, "cache-b");
                assertEquals(0, rebuild.exitCode(), rebuild.out() + rebuild.err());
                assertTrue(rebuild.out().contains("3 images in ") && rebuild.out().contains(": 0 up to date,"),
                        "an empty cache rebuilds every image: " + rebuild.out());
                assertEquals(pushed, digests(registry, images), "the rebuild's digests");

                // first probe after 30 s; failures count after the 40 s start period, unhealthy after 3 of them
                awaitHealth(docker, "hc-ok", "healthy", Duration.ofSeconds(100));
                awaitHealth(docker, "hc-wrong", "unhealthy", Duration.ofSeconds(200));
                assertEquals("healthy", health(docker, "hc-ok"), "still healthy");
            } finally {
                for (String container : containers) {
                    docker.docker("rm", "-f", container);
                }
            }
        }
    }

    private static CliRun build(String org, String cache) {
        return cli("build", "--fleet", fleet.resolve("HealthFleet.java").toString(), "--registry", org, "--insecure",
                "--tag", TAG, "--cache", work.resolve(cache).toString());
    }

    /** Each image's manifest digest as the registry serves its tag. */
    private static Map<String, String> digests(LocalRegistry registry, Map<String, String> images)
            throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        Map<String, String> digests = new LinkedHashMap<>();
        for (Map.Entry<String, String> image : images.entrySet()) {
            String path = image.getValue().substring(registry.host().length() + 1);
            int colon = path.lastIndexOf(':');
            HttpResponse<Void> manifest = http.send(HttpRequest.newBuilder(URI.create("http://" + registry.host()
                    + "/v2/" + path.substring(0, colon) + "/manifests/" + path.substring(colon + 1)))
                    .header("Accept", "application/vnd.docker.distribution.manifest.v2+json")
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertEquals(200, manifest.statusCode(), image.getValue());
            digests.put(image.getKey(), manifest.headers().firstValue("Docker-Content-Digest").orElseThrow());
        }
        return digests;
    }

    /** The digest of the first layer of {@code image} (a tag), as the registry serves its manifest. */
    private static String firstLayer(LocalRegistry registry, String image) throws IOException, InterruptedException {
        String path = image.substring(registry.host().length() + 1);
        int colon = path.lastIndexOf(':');
        HttpResponse<String> manifest = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://"
                + registry.host() + "/v2/" + path.substring(0, colon) + "/manifests/" + path.substring(colon + 1)))
                .header("Accept", "application/vnd.docker.distribution.manifest.v2+json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, manifest.statusCode(), image);
        return json(manifest.body()).path("layers").get(0).path("digest").asText();
    }

    private static void awaitHealth(LocalDockerd docker, String container, String expected, Duration within)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(within);
        String status = health(docker, container);
        while (!status.equals(expected) && Instant.now().isBefore(deadline)) {
            Thread.sleep(1000);
            status = health(docker, container);
        }
        assertEquals(expected, status, container + " after " + within + ": "
                + docker.docker("inspect", "-f", "{{json .State.Health}}", container).stdout());
    }

    private static String health(LocalDockerd docker, String container) {
        return docker.docker("inspect", "-f", "{{.State.Health.Status}}", container).requireSuccess().stdout().strip();
    }

    private static JsonNode json(String text) throws IOException {
        return JsonMapper.builder().build().readTree(text);
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }

    private static CliRun cli(String... args) {
        return CliRun.of(args);
    }
}
