package dev.slipway.runner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.testkit.LocalRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code build} as a user meets it: what it writes, exit codes, and problems named without stack traces. */
class BuildCommandTest {
    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    /** A scratch family with one declared file and one service: builds without any base image or network. */
    private static Path writeFleet(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("app/www"));
        Files.writeString(dir.resolve("app/www/health"), "{\"status\":\"ok\"}");
        Files.writeString(dir.resolve("motd"), "hello\n");
        Path definition = dir.resolve("TinyFleet.java");
        Files.writeString(definition, """
                import static dev.slipway.dsl.Slipway.*;
                import dev.slipway.dsl.*;

                public final class TinyFleet implements FleetDefinitionSource {
                    static final Family BASE = family("tiny-base").from(Base.scratch()).files("motd", "/etc/motd");

                    @Override
                    public FleetSpec define() {
                        MachineProfile box = machine("box");
                        return fleet("tiny").registry("registry.example/acme").machines(box)
                                .services(service("web").family(BASE).ports(7100, 8100).on(box).app("app")
                                        .command("httpd", "-f", "-p", "8100", "-h", "/app/www"));
                    }
                }
                """);
        return definition;
    }

    @Test
    void writesTarballsAndASortedImagesJsonThatIsTheSameOnASecondBuild(@TempDir Path dir) throws IOException {
        Path definition = writeFleet(dir);
        Path out = dir.resolve("out");
        CliRun first = CliRun.of("build", "--fleet", definition.toString(), "--out", out.toString(),
                "--tag", "t1", "--cache", dir.resolve("cache").toString());
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(Files.isRegularFile(out.resolve("families/tiny-base.tar")));
        assertTrue(Files.isRegularFile(out.resolve("services/web.box.tar")));
        String index = Files.readString(out.resolve("images.json"));
        assertTrue(index.matches("(?s)\\{\n  \"registry.example/acme/tiny-base:t1\" : \"sha256:[0-9a-f]{64}\",\n"
                + "  \"registry.example/acme/tiny/web:t1-box\" : \"sha256:[0-9a-f]{64}\"\n}\n"), index);
        assertTrue(first.out().contains("IMAGE"), first.out());
        assertTrue(first.out().contains("2 images in"), first.out());

        CliRun second = CliRun.of("build", "--fleet", definition.toString(), "--out", out.toString(),
                "--tag", "t1", "--cache", dir.resolve("cache").toString());
        assertEquals(0, second.exitCode(), second.err());
        assertTrue(second.out().contains("2 images in "), second.out());
        assertTrue(second.out().contains(" s: 0 layers built\n"), second.out());
        assertArrayEquals(index.getBytes(), Files.readAllBytes(out.resolve("images.json")));
    }

    @Test
    void aMissingApplicationDirectoryExitsOneNamingServiceAndPathBeforeAnyWork(@TempDir Path dir) throws IOException {
        Path definition = writeFleet(dir);
        Files.delete(dir.resolve("app/www/health"));
        Files.delete(dir.resolve("app/www"));
        Files.delete(dir.resolve("app"));
        Path out = dir.resolve("out");
        CliRun run = CliRun.of("build", "--fleet", definition.toString(), "--out", out.toString(),
                "--cache", dir.resolve("cache").toString());
        assertEquals(1, run.exitCode());
        assertEquals("service web on box: " + dir.resolve("app") + " does not exist (application directory \"app\")\n"
                + "1 problem(s); nothing was built.\n", run.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void aRegistryThatRefusesExitsOneNamingItWithoutAStackTrace(@TempDir Path dir) throws IOException {
        Path definition = writeFleet(dir);
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        CliRun run = CliRun.of("build", "--fleet", definition.toString(), "--registry",
                "127.0.0.1:" + closed + "/acme", "--insecure", "--tag", "t1", "--cache",
                dir.resolve("cache").toString());
        assertEquals(1, run.exitCode(), run.out());
        assertTrue(run.err().startsWith("127.0.0.1:" + closed + "/acme/tiny-base:t1: cannot reach registry 127.0.0.1:"
                + closed), run.err());
        assertTrue(run.err().contains("127.0.0.1:" + closed + "/acme/tiny/web:t1-box: not built: its base "),
                run.err());
        assertTrue(run.err().endsWith("2 image(s) failed, 0 built; no tag was pushed for a failed image.\n"),
                run.err());
        assertFalse(run.err().contains("Exception") || run.err().contains("\tat "), run.err());
    }

    @Test
    void aRebuildWithNothingChangedChecksEachSbomWithOneHeadAndAttachesADeletedOneAgain(@TempDir Path dir)
            throws Exception {
        Path definition = writeFleet(dir);
        try (LocalRegistry registry = LocalRegistry.start()) {
            String[] build = {"build", "--fleet", definition.toString(), "--registry", registry.host() + "/acme",
                    "--insecure", "--tag", "t1", "--cache", dir.resolve("cache").toString()};
            CliRun first = CliRun.of(build);
            assertEquals(0, first.exitCode(), first.out() + first.err());
            String web = registry.host() + "/acme/tiny/web:t1-box";
            Matcher webSbom = Pattern.compile("(?m)^" + Pattern.quote(web) + "  sbom (sha256-[0-9a-f]{64}\\.sbom)$")
                    .matcher(first.out());
            assertTrue(webSbom.find(), first.out());
            String webSbomTag = webSbom.group(1);

            int logBefore = registry.log().length();
            CliRun second = CliRun.of(build);
            String log = registry.log().substring(logBefore);
            assertEquals(0, second.exitCode(), second.out() + second.err());
            assertEquals(sbomLines(first.out()), sbomLines(second.out()), "every image is listed with its SBOM");
            assertEquals(2, count("\"HEAD /v2/[^ \"]*/manifests/sha256-[0-9a-f]{64}\\.sbom ", log), log);
            assertEquals(4, count("\"(GET|HEAD|POST|PUT|PATCH|DELETE) /v2/", log),
                    "one HEAD per image tag and per SBOM tag, nothing else:\n" + log);

            HttpClient http = HttpClient.newHttpClient();
            String manifests = "http://" + registry.host() + "/v2/acme/tiny/web/manifests/";
            String manifest = http.send(HttpRequest.newBuilder(URI.create(manifests + webSbomTag))
                    .header("Accept", OCI_MANIFEST).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding()).headers().firstValue("Docker-Content-Digest").orElseThrow();
            HttpResponse<String> deleted = http.send(HttpRequest.newBuilder(URI.create(manifests + manifest))
                    .DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, deleted.statusCode(), deleted.body());
            assertEquals(1, CliRun.of("sbom", "--insecure", web).exitCode(), "the SBOM is gone");

            logBefore = registry.log().length();
            CliRun third = CliRun.of(build);
            log = registry.log().substring(logBefore);
            assertEquals(0, third.exitCode(), third.out() + third.err());
            assertEquals(sbomLines(first.out()), sbomLines(third.out()));
            assertEquals(1, count("\"PUT /v2/acme/tiny/web/manifests/" + Pattern.quote(webSbomTag) + " ", log), log);
            CliRun sbom = CliRun.of("sbom", "--insecure", web);
            assertEquals(0, sbom.exitCode(), sbom.err());
            assertTrue(sbom.out().contains("\"bom-ref\":\"" + web + "\""), sbom.out());
        }
    }

    private static List<String> sbomLines(String out) {
        return out.lines().filter(line -> line.contains("  sbom ")).sorted().toList(); // repositories in parallel
    }

    private static int count(String pattern, String text) {
        return (int) Pattern.compile(pattern).matcher(text).results().count();
    }

    @Test
    void plainHttpIsOnlyAllowedToLoopback(@TempDir Path dir) throws IOException {
        Path definition = writeFleet(dir);
        CliRun run = CliRun.of("build", "--fleet", definition.toString(), "--registry",
                "registry.example/acme", "--insecure");
        assertEquals(1, run.exitCode());
        assertTrue(run.err().startsWith("--insecure: registry.example is not a loopback address"), run.err());
    }
}
