package dev.slipway.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.testkit.LocalDockerd;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.LoopbackFileServer;
import dev.slipway.testkit.ScratchDirectory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The example fleet (examples/python-fleet) from Debian's packages to running containers: a repository made with
 * Debian's own client by the example's script, locked fresh from whatever the archive served today, built without
 * a daemon, pushed to a real registry and run in a real dockerd.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PythonFleetEndToEndTest {
    private static final Path EXAMPLE = Path.of("..", "examples", "python-fleet");
    private static final String TAG = "e2e";
    /** service, machine, service port, health port */
    private static final String[][] INSTANCES = {
            {"greeter", "mainpc", "7301", "8301"},
            {"clock", "pc2", "7302", "8302"},
            {"notes", "mainpc", "7303", "8303"},
            {"notes", "pc2", "7303", "8303"},
    };

    static Path work;
    static Path repo;
    static Path fleet;

    @BeforeAll
    static void repositoryAndLocks() throws Exception {
        work = Files.createTempDirectory("slipway-python-fleet");
        repo = work.resolve("debian-repo");
        fleet = copyExample(work.resolve("fleet-a"));
        // Debian's client makes the repository; the locks come fresh from what it downloaded today
        CliRun.makeDebianRepository(EXAMPLE.resolve("make-debian-repo.sh"), work.resolve("make-debian-repo.log"),
                repo.toString());
        CliRun lock = cli("lock", "--fleet", fleet.resolve("ExampleFleet.java").toString(), "--debian-mirror",
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
    @Order(1)
    void lockIsByteIdenticalOnRerunAndTheSameOverHttp() throws Exception {
        Map<String, String> first = locks(fleet);
        assertEquals(List.of("base-python.debian.lock", "base-utils.debian.lock", "family-web.debian.lock"),
                List.copyOf(first.keySet()));
        assertTrue(first.get("base-python.debian.lock").contains("package tini "));
        assertTrue(first.get("base-python.debian.lock").contains("package python3.11-minimal "));
        // a child locks only what its parents lack
        assertFalse(first.get("base-utils.debian.lock").contains("package libc6 "));
        assertTrue(first.get("base-utils.debian.lock").contains("package tzdata "));
        // the flat repository was named unsigned, and every lock says so
        first.values().forEach(text -> assertTrue(text.startsWith("# slipway debian lock v2\n")
                && text.contains("\nindex unsigned\n"), text));

        CliRun again = cli("lock", "--fleet", fleet.resolve("ExampleFleet.java").toString(), "--debian-mirror",
                "unsigned:" + repo);
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("(unchanged)"), again.out());
        assertEquals(first, locks(fleet));

        try (LoopbackFileServer server = LoopbackFileServer.serving(repo)) {
            Path overHttp = copyExample(work.resolve("fleet-http"));
            CliRun http = cli("lock", "--fleet", overHttp.resolve("ExampleFleet.java").toString(), "--debian-mirror",
                    "unsigned:" + server.url() + "/");
            assertEquals(0, http.exitCode(), http.err());
            Map<String, String> viaHttp = locks(overHttp);
            for (String name : first.keySet()) {
                assertEquals(packageLines(first.get(name)), packageLines(viaHttp.get(name)), name);
                assertTrue(viaHttp.get(name).contains("source http://127.0.0.1:"), viaHttp.get(name));
            }
        }
    }

    @Test
    @Order(2)
    void aPackageNotInTheIndexIsNamedWithItsFamilyAndNothingIsWritten() throws Exception {
        Path broken = copyExample(work.resolve("fleet-missing"));
        Path definition = broken.resolve("ExampleFleet.java");
        Files.writeString(definition, Files.readString(definition)
                .replace("\"tzdata\"", "\"tzdata\", \"no-such-package-xyz\""));
        CliRun lock = cli("lock", "--fleet", definition.toString(), "--debian-mirror", "unsigned:" + repo);
        assertEquals(1, lock.exitCode(), lock.out());
        assertTrue(lock.err().contains("family 'base-utils': package 'no-such-package-xyz' is not in the index"),
                lock.err());
        assertFalse(lock.err().contains("\tat "), lock.err());
        assertFalse(Files.exists(broken.resolve("locks")));
    }

    @Test
    @Order(2)
    void aRepositoryNothingSignsIsRefusedUnlessNamedUnsigned() throws Exception {
        Path plain = copyExample(work.resolve("fleet-unsigned"));
        CliRun lock = cli("lock", "--fleet", plain.resolve("ExampleFleet.java").toString(), "--debian-mirror",
                repo.toString());
        assertEquals(1, lock.exitCode(), lock.out());
        assertTrue(lock.err().contains("Debian mirror " + repo.toUri()), lock.err());
        assertTrue(lock.err().contains("no signature vouches for it"), lock.err());
        assertTrue(lock.err().contains("--debian-mirror unsigned:" + repo.toUri()), lock.err());
        assertFalse(lock.err().contains("\tat "), lock.err());
        assertTrue(lock.err().contains("no lock was written."), lock.err());
        assertFalse(Files.exists(plain.resolve("locks")));
    }

    @Test
    @Order(3)
    void everyServiceRunsFromTheRegistryUnderTiniAsAppuserAndAnswersItsHealthCheck() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start();
                LocalDockerd docker = LocalDockerd.builder().insecureRegistry(registry.host()).start()) {
            String org = registry.host() + "/slipway";
            CliRun build = cli("build", "--fleet", fleet.resolve("ExampleFleet.java").toString(), "--registry", org,
                    "--insecure", "--tag", TAG, "--cache", work.resolve("cache-a").toString());
            assertEquals(0, build.exitCode(), build.out() + build.err());
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            for (String[] instance : INSTANCES) {
                String image = org + "/python_fleet/" + instance[0] + ":" + TAG + "-" + instance[1];
                String name = "e2e-" + instance[0] + "-" + instance[1];
                docker.docker(Duration.ofMinutes(5), "pull", image).requireSuccess();
                docker.docker("run", "-d", "--network", "host", "--name", name, image).requireSuccess();
                try {
                    HttpResponse<String> health = awaitHealth(http, Integer.parseInt(instance[3]), docker, name);
                    assertEquals(200, health.statusCode(), name);
                    assertEquals("{\"status\":\"ok\"}", health.body(), name);
                    HttpResponse<String> service = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + instance[2] + "/")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, service.statusCode(), name + ": " + service.body());
                    assertTrue(service.body().contains("\"machine\": \"" + instance[1] + "\""), service.body());

                    // no coreutils in these images (nothing asked for them): Python reads /proc itself
                    assertEquals("tini", exec(docker, name, "python3", "-c",
                            "print(open('/proc/1/comm').read().strip())"), name);
                    assertTrue(exec(docker, name, "python3", "--version").startsWith("Python 3.11."), name);
                    assertEquals("10001 10001 appuser", exec(docker, name, "python3", "-c",
                            "import os, pwd; print(os.getuid(), os.getgid(), pwd.getpwuid(os.getuid()).pw_name)"));
                    // the CA bundle exists and Python's ssl finds it
                    assertEquals("True", exec(docker, name, "python3", "-c",
                            "import ssl; print(ssl.create_default_context().cert_store_stats()['x509_ca'] > 100)"));

                    String label = docker.docker("inspect", "--format",
                            "{{index .Config.Labels \"dev.slipway.sbom.sha256\"}}", image).requireSuccess().stdout()
                            .strip();
                    Path sbom = Path.of("target", "slipway", "sbom", "services",
                            instance[0] + "." + instance[1] + ".cdx.json");
                    assertEquals(sha256(Files.readAllBytes(sbom)), label, name);
                } finally {
                    docker.docker("rm", "-f", name);
                }
            }
        }
    }

    @Test
    @Order(3)
    void withZstdThePackagedLayersAreZstdInOciManifestsAndAnEngineBefore23IsRefusedBeforeAnything()
            throws Exception {
        try (LocalRegistry registry = LocalRegistry.start();
                LocalDockerd docker = LocalDockerd.builder().insecureRegistry(registry.host()).start()) {
            String org = registry.host() + "/slipway";
            List<String> build = List.of("build", "--fleet", fleet.resolve("ExampleFleet.java").toString(),
                    "--registry", org, "--insecure", "--tag", "zstd", "--compression", "zstd");
            CliRun a = cli(concat(build, "--cache", work.resolve("cache-zstd-a").toString()));
            assertEquals(0, a.exitCode(), a.out() + a.err());
            // another cache writes every layer again: the same bytes, so the same digests
            CliRun b = cli(concat(build, "--cache", work.resolve("cache-zstd-b").toString()));
            assertEquals(0, b.exitCode(), b.out() + b.err());
            Map<String, String> digests = digests(a.out());
            assertEquals(7, digests.size(), a.out());
            assertEquals(digests, digests(b.out()));

            HttpClient http = HttpClient.newHttpClient();
            for (String image : List.of("base-python", "python_fleet/greeter")) {
                String reference = image + (image.startsWith("python_fleet") ? ":zstd-mainpc" : ":zstd");
                String name = reference.substring(0, reference.indexOf(':'));
                String tag = reference.substring(reference.indexOf(':') + 1);
                HttpResponse<byte[]> manifest = http.send(HttpRequest.newBuilder(URI.create("http://"
                        + registry.host() + "/v2/slipway/" + name + "/manifests/" + tag))
                        .header("Accept", "application/vnd.oci.image.manifest.v1+json").build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, manifest.statusCode(), reference);
                var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(manifest.body());
                assertEquals("application/vnd.oci.image.manifest.v1+json", json.path("mediaType").asText());
                var config = new com.fasterxml.jackson.databind.ObjectMapper().readTree(blob(http, registry, name,
                        json.at("/config/digest").asText()));
                int zstdLayers = 0;
                for (int i = 0; i < json.path("layers").size(); i++) {
                    var layer = json.path("layers").get(i);
                    if (!layer.path("mediaType").asText().equals("application/vnd.oci.image.layer.v1.tar+zstd")) {
                        assertEquals("application/vnd.oci.image.layer.v1.tar+gzip", layer.path("mediaType").asText());
                        continue;
                    }
                    zstdLayers++;
                    byte[] tar;
                    try (var in = new com.github.luben.zstd.ZstdInputStream(new java.io.ByteArrayInputStream(
                            blob(http, registry, name, layer.path("digest").asText())))) {
                        tar = in.readAllBytes();
                    }
                    assertEquals(config.at("/rootfs/diff_ids/" + i).asText(), "sha256:" + sha256(tar),
                            reference + ": layer " + i + " unpacks to its diff ID");
                }
                assertTrue(zstdLayers >= 1, reference + ": " + json);
                assertTrue(config.at("/config/Healthcheck/Test").size() > 0,
                        reference + ": the packaged base's health check is in the config: " + config);
            }

            // this dockerd is 20.10: refused before anything is built or changed
            CliRun apply = cli("apply", "--fleet", fleet.resolve("ExampleFleet.java").toString(), "--registry", org,
                    "--insecure", "--tag", "zstd2", "--compression", "zstd", "--host",
                    "mainpc=" + docker.dockerHost(), "--host", "pc2=" + docker.dockerHost(), "--cache",
                    work.resolve("cache-zstd-a").toString(), "--audit-log", work.resolve("audit.jsonl").toString());
            assertEquals(1, apply.exitCode(), apply.out() + apply.err());
            assertTrue(apply.err().contains("host mainpc (" + docker.dockerHost() + ") runs Docker Engine 20.10"),
                    apply.err());
            assertTrue(apply.err().contains("which cannot pull zstd layers; they need 23.0 or newer"), apply.err());
            assertTrue(apply.err().contains("--compression zstd: nothing was built or changed."), apply.err());
            assertFalse(apply.out().contains("Building"), apply.out());
            assertEquals("", docker.docker("ps", "-aq").requireSuccess().stdout().strip());
        }
    }

    private static Map<String, String> digests(String buildOutput) {
        Map<String, String> digests = new TreeMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^(\\S+)\\s+(sha256:[0-9a-f]{64})\\s")
                .matcher(buildOutput);
        while (m.find()) {
            digests.put(m.group(1), m.group(2));
        }
        return digests;
    }

    private static byte[] blob(HttpClient http, LocalRegistry registry, String repository, String digest)
            throws Exception {
        HttpResponse<byte[]> blob = http.send(HttpRequest.newBuilder(URI.create("http://" + registry.host()
                + "/v2/slipway/" + repository + "/blobs/" + digest)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, blob.statusCode(), repository + " " + digest);
        return blob.body();
    }

    @Test
    @Order(4)
    void twoCopiesWithDifferentTimestampsAndCachesBuildIdenticalImages() throws Exception {
        Path other = copyExample(work.resolve("fleet-b"));
        Files.createDirectories(other.resolve("locks"));
        for (Map.Entry<String, String> lock : locks(fleet).entrySet()) {
            Files.writeString(other.resolve("locks").resolve(lock.getKey()), lock.getValue());
        }
        try (Stream<Path> files = Files.walk(other)) {
            for (Path file : files.toList()) {
                Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2001-02-03T04:05:06Z")));
            }
        }
        Path outA = work.resolve("out-a");
        Path outB = work.resolve("out-b");
        CliRun a = cli("build", "--fleet", fleet.resolve("ExampleFleet.java").toString(), "--out", outA.toString(),
                "--tag", TAG, "--cache", work.resolve("cache-a").toString());
        assertEquals(0, a.exitCode(), a.out() + a.err());
        CliRun b = cli("build", "--fleet", other.resolve("ExampleFleet.java").toString(), "--out", outB.toString(),
                "--tag", TAG, "--cache", work.resolve("cache-b").toString());
        assertEquals(0, b.exitCode(), b.out() + b.err());
        assertEquals(Files.readString(outA.resolve("images.json")), Files.readString(outB.resolve("images.json")));
        assertEquals(7, Files.readString(outA.resolve("images.json")).split("sha256:").length - 1);
        for (String sbom : List.of("families/base-python.cdx.json", "families/family-web.cdx.json",
                "services/notes.pc2.cdx.json")) {
            assertEquals(Files.readString(outA.resolve("sbom").resolve(sbom)),
                    Files.readString(outB.resolve("sbom").resolve(sbom)), sbom);
        }
        String webSbom = Files.readString(outA.resolve("sbom/services/notes.pc2.cdx.json"));
        // inherited from every family of the lineage, with versions and hashes
        for (String name : List.of("libc6", "tini", "tzdata", "python3-fastapi")) {
            assertTrue(webSbom.contains("\"name\" : \"" + name + "\""), name);
        }
    }

    @Test
    @Order(5)
    void aTamperedDebIsRefusedNamingItAndItsFamily() throws Exception {
        Path tampered = work.resolve("tampered-repo");
        copyTree(repo, tampered);
        Path tini;
        try (Stream<Path> debs = Files.list(tampered)) {
            tini = debs.filter(p -> p.getFileName().toString().startsWith("tini_")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(tini);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(tini, bytes);
        CliRun build = cli("build", "--fleet", fleet.resolve("ExampleFleet.java").toString(), "--out",
                work.resolve("out-tampered").toString(), "--tag", TAG, "--debian-mirror", tampered.toString(),
                "--cache", work.resolve("cache-tampered").toString());
        assertEquals(1, build.exitCode(), build.out());
        assertTrue(build.err().contains("family 'base-python': package 'tini'"), build.err());
        assertTrue(build.err().contains("does not match the locked"), build.err());
        assertFalse(build.err().contains("\tat "), build.err());
    }

    @Test
    @Order(6)
    void wheelsAreInstalledFromTheirLockAndATamperedWheelIsRefused() throws Exception {
        Path wheels = work.resolve("wheels");
        Files.createDirectories(wheels);
        byte[] wheel = wheel();
        Path wheelFile = wheels.resolve("slipway_hello-1.0-py3-none-any.whl");
        Path withWheels = copyExample(work.resolve("fleet-wheels"));
        Files.createDirectories(withWheels.resolve("locks"));
        for (Map.Entry<String, String> lock : locks(fleet).entrySet()) {
            Files.writeString(withWheels.resolve("locks").resolve(lock.getKey()), lock.getValue());
        }
        Files.writeString(withWheels.resolve("locks/web.requirements.lock"),
                "slipway-hello==1.0 \\\n    --hash=sha256:" + sha256(wheel) + "\n");
        Path definition = withWheels.resolve("ExampleFleet.java");
        Files.writeString(definition, Files.readString(definition).replace("\"python3-uvicorn\")",
                "\"python3-uvicorn\")\n            .wheels(\"locks/web.requirements.lock\")"));
        // --wheels is given twice: the first source has no wheels, the wheel is found in the second
        Path noWheels = Files.createDirectories(work.resolve("no-wheels"));
        List<String> build = List.of("build", "--fleet", definition.toString(), "--tag", TAG, "--wheels",
                noWheels.toString(), "--wheels", wheels.toString(), "--cache", work.resolve("cache-a").toString());

        byte[] tampered = wheel.clone();
        tampered[tampered.length / 2] ^= 0x01;
        Files.write(wheelFile, tampered);
        CliRun refused = cli(concat(build, "--out", work.resolve("out-wheels-tampered").toString()));
        assertEquals(1, refused.exitCode(), refused.out());
        assertTrue(refused.err().contains("family 'family-web': wheel slipway-hello==1.0"), refused.err());
        assertTrue(refused.err().contains("slipway_hello-1.0-py3-none-any.whl has sha256"), refused.err());

        Files.write(wheelFile, wheel);
        Path out = work.resolve("out-wheels");
        CliRun built = cli(concat(build, "--out", out.toString()));
        assertEquals(0, built.exitCode(), built.out() + built.err());
        String sbom = Files.readString(out.resolve("sbom/services/notes.mainpc.cdx.json"));
        assertTrue(sbom.contains("pkg:pypi/slipway-hello@1.0"), sbom);
        assertTrue(sbom.contains(sha256(wheel)), sbom);
    }

    private static HttpResponse<String> awaitHealth(HttpClient http, int port, LocalDockerd docker, String name)
            throws Exception {
        Instant deadline = Instant.now().plusSeconds(40);
        while (true) {
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError(name + " never answered /health on " + port + "; logs: "
                            + docker.docker("logs", name).stdout() + docker.docker("logs", name).stderr(), e);
                }
                Thread.sleep(250);
            }
        }
    }

    private static String exec(LocalDockerd docker, String container, String... command) {
        List<String> args = new ArrayList<>(List.of("exec", container));
        args.addAll(List.of(command));
        return docker.docker(args.toArray(String[]::new)).requireSuccess().stdout().strip();
    }

    /** A pure-Python wheel, as a build backend would write it. */
    private static byte[] wheel() throws Exception {
        Map<String, String> files = new TreeMap<>();
        files.put("slipway_hello/__init__.py", "GREETING = 'hello from a hash-locked wheel'\n");
        files.put("slipway_hello-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: slipway-hello\nVersion: 1.0\n");
        files.put("slipway_hello-1.0.dist-info/WHEEL",
                "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n");
        StringBuilder record = new StringBuilder();
        for (Map.Entry<String, String> f : files.entrySet()) {
            byte[] content = f.getValue().getBytes(StandardCharsets.UTF_8);
            record.append(f.getKey()).append(",sha256=").append(java.util.Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(content))).append(',')
                    .append(content.length).append('\n');
        }
        record.append("slipway_hello-1.0.dist-info/RECORD,,\n");
        files.put("slipway_hello-1.0.dist-info/RECORD", record.toString());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, String> f : files.entrySet()) {
                ZipEntry entry = new ZipEntry(f.getKey());
                entry.setTime(315532800000L);
                zip.putNextEntry(entry);
                zip.write(f.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static String[] concat(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static CliRun cli(String... args) {
        return CliRun.of(args);
    }

    /** The example's definition and services, without its committed locks (each test locks or copies its own). */
    private static Path copyExample(Path target) throws IOException {
        Files.createDirectories(target);
        Files.copy(EXAMPLE.resolve("ExampleFleet.java"), target.resolve("ExampleFleet.java"));
        copyTree(EXAMPLE.resolve("services"), target.resolve("services"));
        return target;
    }

    private static Map<String, String> locks(Path fleetDirectory) throws IOException {
        Map<String, String> locks = new TreeMap<>();
        try (Stream<Path> files = Files.list(fleetDirectory.resolve("locks"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".debian.lock")).toList()) {
                locks.put(file.getFileName().toString(), Files.readString(file));
            }
        }
        return locks;
    }

    private static List<String> packageLines(String lock) {
        return lock.lines().filter(line -> line.startsWith("package ")).toList();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }
}
