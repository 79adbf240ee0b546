package dev.slipway.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.slipway.images.progress.ProgressListener;
import dev.slipway.testkit.CommandResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds the busybox fleet into tarballs: reproducibility, what skopeo reads back, and refused inputs. */
class TarballBuildTest {
    private static final String REGISTRY = "registry.example:5000/slipway";

    @TempDir
    static Path work;
    static BusyboxTestFleet fleet;

    @BeforeAll
    static void writeInputs() throws IOException {
        fleet = BusyboxTestFleet.create(work.resolve("inputs"));
    }

    private static BuildReport build(BusyboxTestFleet inputs, Path out, Path cache) {
        return new FleetImageBuilder().build(inputs.request(REGISTRY, BuildTarget.tarballs(out), cache),
                ProgressListener.SILENT);
    }

    @Test
    void twoCopiesWithOtherMtimesPermissionsAndPathsGiveIdenticalDigests() throws IOException {
        Path copy = work.resolve("elsewhere/a/much/longer/checkout path");
        BusyboxTestFleet.copyTree(fleet.dir, copy);
        // another checkout: every file touched at another time, group/other bits as another umask leaves them
        try (Stream<Path> walk = Files.walk(copy)) {
            for (Path path : walk.toList()) {
                Files.setLastModifiedTime(path, FileTime.from(Instant.parse("2031-07-04T12:34:56Z")));
                if (Files.isRegularFile(path) && !path.getFileName().toString().equals("greet")) {
                    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-rw-"));
                }
            }
        }
        BuildReport first = build(fleet, work.resolve("out-1"), work.resolve("cache-1"));
        BuildReport second = build(fleet.at(copy), work.resolve("out-2"), work.resolve("cache-2"));

        assertEquals(5, first.images().size());
        assertEquals(ImageIndex.digests(first), ImageIndex.digests(second));
        assertArrayEquals(Files.readAllBytes(work.resolve("out-1/images.json")),
                Files.readAllBytes(work.resolve("out-2/images.json")));
        for (int i = 0; i < first.images().size(); i++) {
            assertArrayEquals(Files.readAllBytes(first.images().get(i).tarball().orElseThrow()),
                    Files.readAllBytes(second.images().get(i).tarball().orElseThrow()),
                    "tarball of " + first.images().get(i).image());
        }
        // and again later, into the same cache: the same digests, with no layer rebuilt
        BuildReport again = build(fleet, work.resolve("out-1"), work.resolve("cache-1"));
        assertEquals(ImageIndex.digests(first), ImageIndex.digests(again));
        assertEquals(0, again.totalWork().layersBuilt(), "nothing changed, nothing to build");
    }

    @Test
    void skopeoReadsTheServiceTarballAsPlanned() throws IOException {
        BuildReport report = build(fleet, work.resolve("out-skopeo"), work.resolve("cache-skopeo"));
        BuiltImage echo = report.images().stream().filter(i -> i.image().endsWith("-alpha")
                && i.plan().name().equals("echo")).findFirst().orElseThrow();
        Path tarball = echo.tarball().orElseThrow();
        assertEquals(work.resolve("out-skopeo/services/echo.alpha.tar"), tarball);

        JsonNode config = skopeo("inspect", "--config", "docker-archive:" + tarball);
        JsonNode c = config.get("config");
        assertEquals("10001:10001", c.get("User").asText());
        assertEquals(List.of("/usr/bin/tini", "--"), strings(c.get("Entrypoint")));
        assertEquals("sh", c.get("Cmd").get(0).asText());
        assertEquals(List.of(fleet.echoPort + "/tcp", fleet.echoHealthPort + "/tcp").stream().sorted().toList(),
                iterate(c.get("ExposedPorts")).stream().sorted().toList());
        assertEquals("/app", c.get("WorkingDir").asText());
        assertEquals(Integer.toString(fleet.echoHealthPort), c.get("Labels").get("health_check_port").asText());
        assertEquals(BusyboxTestFleet.REVISION, c.get("Labels").get("org.opencontainers.image.revision").asText());
        assertEquals("echo", c.get("Labels").get("dev.slipway.service").asText());
        assertEquals("busybox-web", c.get("Labels").get("dev.slipway.family").asText());
        assertTrue(strings(c.get("Env")).contains("SLIPWAY_MACHINE=alpha"), c.get("Env").toString());
        assertTrue(strings(c.get("Env")).contains("LANG=C.UTF-8"), "family env is inherited");
        assertTrue(strings(c.get("Env")).stream().anyMatch(e -> e.startsWith("PATH=")), "base env is inherited");
        assertEquals("1970-01-01T00:00:00Z", config.get("created").asText());
        // base layer, family file, machine profile, application: the application is last
        assertEquals(4, config.get("rootfs").get("diff_ids").size());

        assertEquals("amd64", skopeo("inspect", "docker-archive:" + tarball).get("Architecture").asText());
    }

    @Test
    void layersHoldNormalisedSortedRootOwnedEntriesWithTheAppLast() throws IOException {
        BuildReport report = build(fleet, work.resolve("out-layers"), work.resolve("cache-layers"));
        BuiltImage hello = report.images().stream().filter(i -> i.plan().name().equals("hello")).findFirst()
                .orElseThrow();
        Path unpacked = Files.createDirectories(work.resolve("unpacked-hello"));
        run("tar", "-xf", hello.tarball().orElseThrow().toString(), "-C", unpacked.toString());
        JsonNode manifest = JsonMapper.builder().build().readTree(unpacked.resolve("manifest.json").toFile()).get(0);
        List<String> layers = strings(manifest.get("Layers"));
        String app = run("tar", "--numeric-owner", "-tvzf", unpacked.resolve(layers.get(layers.size() - 1)).toString())
                .stdout();
        List<String> lines = app.lines().map(l -> l.replaceAll(" +", " ")).toList();
        assertEquals(List.of(
                "drwxr-xr-x 0/0 0 1970-01-01 00:00 app/",
                "drwxr-xr-x 0/0 0 1970-01-01 00:00 app/bin/",
                "-rwxr-xr-x 0/0 21 1970-01-01 00:00 app/bin/greet",
                "drwxr-xr-x 0/0 0 1970-01-01 00:00 app/www/",
                "-rw-r--r-- 0/0 15 1970-01-01 00:00 app/www/health",
                "-rw-r--r-- 0/0 15 1970-01-01 00:00 app/www/index.html"), lines);
        String profile = run("tar", "-xOzf", unpacked.resolve(layers.get(layers.size() - 2)).toString(),
                "etc/machine-profile.json").stdout();
        JsonNode doc = JsonMapper.builder().build().readTree(profile);
        assertEquals("alpha", doc.get("machine").asText());
        assertEquals("2", doc.get("OMP_NUM_THREADS").asText());
        assertTrue(profile.endsWith("}\n"));
        // appuser's home, its own, beside the profile: the base tarball has none
        String listing = run("tar", "--numeric-owner", "-tvzf", unpacked.resolve(layers.get(layers.size() - 2))
                .toString()).stdout();
        assertEquals(List.of(
                "drwxr-xr-x 0/0 0 1970-01-01 00:00 etc/",
                "-rw-r--r-- 0/0 " + profile.length() + " 1970-01-01 00:00 etc/machine-profile.json",
                "drwxr-xr-x 0/0 0 1970-01-01 00:00 home/",
                "drwxr-x--- 10001/10001 0 1970-01-01 00:00 home/appuser/"),
                listing.lines().map(l -> l.replaceAll(" +", " ")).toList());
    }

    @Test
    void servicesOnOneMachineShareTheProfileLayerAndItsHomeDirectory() throws IOException {
        BuildReport report = build(fleet, work.resolve("out-shared"), work.resolve("cache-shared"));
        Map<String, List<String>> diffIds = new java.util.TreeMap<>();
        for (BuiltImage image : report.images()) {
            if (image.plan().kind() == dev.slipway.plan.ImagePlan.Kind.SERVICE) {
                JsonNode config = skopeo("inspect", "--config", "docker-archive:" + image.tarball().orElseThrow());
                assertTrue(strings(config.get("config").get("Env")).contains("HOME=/home/appuser"), image.image());
                diffIds.put(image.plan().name() + "@" + image.plan().machine().orElseThrow(),
                        strings(config.get("rootfs").get("diff_ids")));
            }
        }
        int profile = 2;
        assertEquals(diffIds.get("hello@alpha").get(profile), diffIds.get("echo@alpha").get(profile));
        assertNotEquals(diffIds.get("echo@alpha").get(profile), diffIds.get("echo@beta").get(profile));
    }

    @Test
    void aMissingApplicationDirectoryIsRefusedBeforeAnyWork() throws IOException {
        Path broken = work.resolve("broken");
        BusyboxTestFleet.copyTree(fleet.dir, broken);
        BusyboxTestFleet.deleteTree(broken.resolve("services/echo"));
        Path out = work.resolve("out-broken");
        InvalidBuildInputException refused = assertThrows(InvalidBuildInputException.class,
                () -> build(fleet.at(broken), out, work.resolve("cache-broken")));
        List<String> problems = refused.problems().stream().map(InputProblem::toString).toList();
        assertEquals(List.of(
                "service echo on alpha: " + broken.resolve("services/echo")
                        + " does not exist (application directory \"services/echo\")",
                "service echo on beta: " + broken.resolve("services/echo")
                        + " does not exist (application directory \"services/echo\")"),
                problems);
        assertFalse(Files.exists(out), "nothing is written when inputs are missing");
        assertFalse(Files.exists(work.resolve("cache-broken")), "not even the cache is touched");
    }

    @Test
    void changingOneAppFileChangesOnlyThatServicesDigest() throws IOException {
        Path copy = work.resolve("one-change");
        BusyboxTestFleet.copyTree(fleet.dir, copy);
        BusyboxTestFleet changed = fleet.at(copy);
        Map<String, String> before = ImageIndex
                .digests(build(changed, work.resolve("out-c1"), work.resolve("cache-c")));
        Files.writeString(copy.resolve("services/hello/www/index.html"), "<h1>hello, again</h1>\n");
        BuildReport after = build(changed, work.resolve("out-c2"), work.resolve("cache-c"));
        for (BuiltImage image : after.images()) {
            if (image.plan().name().equals("hello")) {
                assertNotEquals(before.get(image.image()), image.digest());
                assertEquals(1, image.work().layersBuilt(), "only the application layer is rebuilt");
            } else {
                assertEquals(before.get(image.image()), image.digest(), image.image());
                assertEquals(0, image.work().layersBuilt(), image.image());
            }
        }
    }

    static JsonNode skopeo(String... args) throws IOException {
        List<String> argv = new java.util.ArrayList<>(List.of("skopeo"));
        argv.addAll(List.of(args));
        return JsonMapper.builder().build().readTree(run(argv.toArray(String[]::new)).stdout());
    }

    static CommandResult run(String... argv) {
        return Exec.run(Duration.ofMinutes(2), List.of(argv)).requireSuccess();
    }

    static List<String> strings(JsonNode array) {
        List<String> values = new java.util.ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }

    static List<String> iterate(JsonNode object) {
        List<String> names = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
