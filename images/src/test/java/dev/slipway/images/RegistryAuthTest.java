package dev.slipway.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.tools.jib.global.JibSystemProperties;
import dev.slipway.images.progress.ProgressListener;
import dev.slipway.images.supplychain.OciRegistry;
import dev.slipway.images.supplychain.PushedImageArtifacts;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.validation.Fleet;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
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
 * Pushes the busybox fleet to a real registry that wants HTTP Basic credentials (Debian's docker-registry with
 * htpasswd) on loopback over plain HTTP: wrong, missing and right credentials, and the up-to-date fast path through
 * the registry's 401. The credentials are a random password made here, passed as if from the environment.
 *
 * <p>Jib sends credentials over plain HTTP only with the JVM-wide {@code sendCredentialsOverHttp} system property,
 * which Slipway does not set for the user; the tests that push with credentials set it, as a user would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryAuthTest {
    private static final Pattern BLOB_UPLOAD = Pattern.compile("\"POST /v2/[^ \"]*/blobs/uploads/");
    private static final Pattern MANIFEST_PUT = Pattern.compile("\"PUT /v2/[^ \"]*/manifests/");
    private static final Pattern ANONYMOUS_HEAD_REFUSED = Pattern.compile(
            "\"HEAD /v2/[^ \"]*/manifests/[^ \"]* HTTP/1.1\" 401");
    private static final Pattern AUTHENTICATED_MANIFEST = Pattern.compile(
            "\"(GET|HEAD) /v2/[^ \"]*/manifests/[^ \"]* HTTP/1.1\" 200");
    private static final String USERNAME = "slipway-ci";

    @TempDir
    static Path work;
    BusyboxTestFleet fleet;
    LocalRegistry registry;
    String registryName;
    String password;
    List<String> images;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    void start() throws IOException {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        fleet = BusyboxTestFleet.create(work.resolve("inputs"));
        registry = LocalRegistry.startWithHtpasswd(USERNAME, password);
        registryName = registry.host() + "/slipway";
        Fleet compiled = fleet.compiled(registryName);
        images = fleet.plans(compiled).stream().map(plan -> plan.image().text()).toList();
    }

    @AfterAll
    void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    @Order(1)
    void withoutTheOptInJibSendsNoCredentialsOverPlainHttpAndSaysSo() throws Exception {
        FleetBuildException failed = assertThrows(FleetBuildException.class,
                () -> push(credentials(USERNAME, password), "cache-no-opt-in"));
        String reason = baseFailure(failed).reason();
        assertTrue(reason.contains(registry.host()), reason);
        assertTrue(reason.contains("plain HTTP"), reason);
        assertTrue(reason.contains(JibSystemProperties.SEND_CREDENTIALS_OVER_HTTP), "says how to opt in: " + reason);
        assertNoSecretIn(failed, password);
        assertNothingTagged();
    }

    @Test
    @Order(2)
    void wrongCredentialsFailNamingTheRegistryWithoutTheWrongPasswordAndTagNothing() throws Exception {
        String wrongPassword = password + "-wrong";
        FleetBuildException failed = assertThrows(FleetBuildException.class,
                () -> overPlainHttp(() -> push(credentials(USERNAME, wrongPassword), "cache-wrong")));
        String reason = baseFailure(failed).reason();
        assertTrue(reason.contains(registry.host()), reason);
        assertTrue(reason.toLowerCase(Locale.ROOT).contains("authentication failed"), reason);
        assertNoSecretIn(failed, wrongPassword);
        assertNoSecretIn(failed, password);
        assertNothingTagged();
    }

    @Test
    @Order(3)
    void noCredentialsAtAllFailNamingTheRegistry() throws Exception {
        FleetBuildException failed = assertThrows(FleetBuildException.class,
                () -> overPlainHttp(() -> push(RegistryCredentials.fromEnvironment(noDockerConfig()), "cache-none")));
        String reason = baseFailure(failed).reason();
        assertTrue(reason.contains(registry.host()), reason);
        assertTrue(reason.toLowerCase(Locale.ROOT).contains("authentication failed"), reason);
        assertTrue(reason.contains(RegistryCredentials.USERNAME_VARIABLE), "says where credentials come from: "
                + reason);
        assertNothingTagged();
    }

    @Test
    @Order(4)
    void rightCredentialsPushEveryImageAndASecondBuildFindsThemUpToDateThroughThe401() throws Exception {
        RegistryCredentials right = credentials(USERNAME, password);
        BuildReport pushed = overPlainHttp(() -> push(right, "cache-right"));
        assertEquals(5, pushed.images().size());
        assertEquals(0, pushed.upToDate());
        for (BuiltImage image : pushed.images()) {
            HttpResponse<Void> manifest = manifestHead(image.image());
            assertEquals(200, manifest.statusCode(), image.image());
            assertEquals(image.digest(), manifest.headers().firstValue("Docker-Content-Digest").orElseThrow());
        }

        int logBefore = registry.log().length();
        BuildReport again = overPlainHttp(() -> push(right, "cache-right"));
        String log = registry.log().substring(logBefore);
        assertEquals(ImageIndex.digests(pushed), ImageIndex.digests(again));
        assertEquals(5, again.upToDate(), "every image is up to date:\n" + log);
        assertEquals(5, RegistryLog.count(ANONYMOUS_HEAD_REFUSED, log), "one anonymous HEAD per tag, refused:\n" + log);
        assertEquals(5, RegistryLog.count(AUTHENTICATED_MANIFEST, log),
                "then one authenticated manifest check per tag:\n" + log);
        assertEquals(0, RegistryLog.count(BLOB_UPLOAD, log), "blob uploads:\n" + log);
        assertEquals(0, RegistryLog.count(MANIFEST_PUT, log), "manifest puts:\n" + log);
    }

    @Test
    @Order(5)
    void anSbomAttachedWithCredentialsIsFoundUpToDateThroughThe401Too() throws Exception {
        RegistryCredentials right = credentials(USERNAME, password);
        BuildReport pushed = overPlainHttp(() -> push(right, "cache-right"));
        CredentialsOverPlainHttp.allowed(() -> new PushedImageArtifacts(new OciRegistry(right, true),
                new PushRecords(new SlipwayCache(work.resolve("cache-right")))).attach(pushed.images(),
                        plan -> Optional.empty(), Optional.empty(), 2, one -> {
                        }));

        int logBefore = registry.log().length();
        BuildReport again = overPlainHttp(() -> push(right, "cache-right"));
        String log = registry.log().substring(logBefore);
        assertEquals(5, again.upToDate(), log);
        assertTrue(again.images().stream().allMatch(BuiltImage::sbomUpToDate), "every SBOM is up to date:\n" + log);
        assertEquals(10, RegistryLog.count(ANONYMOUS_HEAD_REFUSED, log),
                "one anonymous HEAD per image and SBOM tag:\n" + log);
        assertEquals(10, RegistryLog.count(AUTHENTICATED_MANIFEST, log),
                "then one authenticated check of each:\n" + log);
        assertEquals(0, RegistryLog.count(MANIFEST_PUT, log), "manifest puts:\n" + log);
    }

    private BuildReport push(RegistryCredentials credentials, String cache) {
        Fleet compiled = fleet.compiled(registryName);
        return new FleetImageBuilder().build(new BuildRequest(fleet.plans(compiled), fleet.dir,
                BuildTarget.registry(true), new SlipwayCache(work.resolve(cache)), credentials, 2),
                ProgressListener.SILENT);
    }

    /** Jib's JVM-wide opt-in, restored afterwards so no other test sends credentials over HTTP. */
    private static <T> T overPlainHttp(Supplier<T> build) throws Exception {
        return CredentialsOverPlainHttp.allowed(build::get);
    }

    private static RegistryCredentials credentials(String username, String password) {
        Map<String, String> environment = new HashMap<>(noDockerConfig());
        environment.put(RegistryCredentials.USERNAME_VARIABLE, username);
        environment.put(RegistryCredentials.PASSWORD_VARIABLE, password);
        return RegistryCredentials.fromEnvironment(environment);
    }

    /** A Docker config directory that does not exist, so no credential of this machine's user is ever read. */
    private static Map<String, String> noDockerConfig() {
        return Map.of("DOCKER_CONFIG", work.resolve("no-docker-config").toString());
    }

    /** The family every other image is built on fails for itself; the rest are skipped because of it. */
    private ImageFailure baseFailure(FleetBuildException failed) {
        assertEquals(5, failed.failures().size(), failed.failures().toString());
        assertTrue(failed.built().isEmpty());
        ImageFailure base = failed.failures().get(0);
        assertTrue(base.image().startsWith(registryName + "/busybox-base:"), base.toString());
        return base;
    }

    private static void assertNoSecretIn(FleetBuildException failed, String secret) {
        StringWriter trace = new StringWriter();
        failed.printStackTrace(new PrintWriter(trace));
        assertFalse(trace.toString().contains(secret), "the exception and its causes");
        for (ImageFailure failure : failed.failures()) {
            assertFalse(failure.toString().contains(secret), "a failure names the password");
        }
    }

    /** Asked with the right credentials, so a 404 means "not there", not "not allowed". */
    private void assertNothingTagged() throws Exception {
        HttpResponse<String> catalog = http.send(authorized("/v2/_catalog").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, catalog.statusCode(), catalog.body());
        assertEquals("{\"repositories\":[]}", catalog.body().strip(), "nothing was pushed at all");
        for (String image : images) {
            assertEquals(404, manifestHead(image).statusCode(), image + " has no tag");
        }
    }

    private HttpResponse<Void> manifestHead(String image) throws Exception {
        String path = image.substring(registry.host().length() + 1);
        int colon = path.lastIndexOf(':');
        return http.send(authorized("/v2/" + path.substring(0, colon) + "/manifests/" + path.substring(colon + 1))
                .header("Accept", "application/vnd.docker.distribution.manifest.v2+json")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
    }

    private HttpRequest.Builder authorized(String path) {
        return HttpRequest.newBuilder(URI.create("http://" + registry.host() + path))
                .header("Authorization", registry.basicAuthorization().orElseThrow());
    }
}
