package dev.slipway.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRegistryTest {

    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void answersTheV2ApiOnLoopback() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            HttpResponse<String> answer = get("http://" + registry.host() + "/v2/", "*/*");

            assertEquals(200, answer.statusCode());
            assertEquals("registry/2.0",
                    answer.headers().firstValue("Docker-Distribution-Api-Version").orElse("(missing)"));
            assertEquals("127.0.0.1:" + registry.port(), registry.host());
        }
    }

    @Test
    void keepsWhatSkopeoPushesAndDeletesOnRequest(@TempDir Path work) throws Exception {
        TinyOciLayout image = TinyOciLayout.write(work.resolve("layout"), "1", "hello from slipway\n");
        try (LocalRegistry registry = LocalRegistry.start()) {
            CommandLine.of("skopeo", "copy", "--dest-tls-verify=false", "--preserve-digests",
                    "oci:" + image.dir + ":" + image.tag,
                    "docker://" + registry.host() + "/test/x:1")
                    .run(Duration.ofMinutes(2)).requireSuccess();

            String manifestUrl = "http://" + registry.host() + "/v2/test/x/manifests/";
            assertEquals("{\"name\":\"test/x\",\"tags\":[\"1\"]}",
                    get("http://" + registry.host() + "/v2/test/x/tags/list", "*/*").body().strip());
            HttpResponse<String> manifest = get(manifestUrl + "1", OCI_MANIFEST);
            assertEquals(200, manifest.statusCode());
            assertEquals(image.manifestDigest, manifest.headers().firstValue("Docker-Content-Digest").orElseThrow(),
                    "the registry must hold the very manifest we pushed");

            HttpResponse<String> deletion = http.send(
                    HttpRequest.newBuilder(URI.create(manifestUrl + image.manifestDigest)).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(202, deletion.statusCode(), "deletes are enabled: " + deletion.body());
            assertEquals(404, get(manifestUrl + "1", OCI_MANIFEST).statusCode());
        }
    }

    @Test
    void closeStopsTheServerAndDeletesItsStorage() throws Exception {
        LocalRegistry registry = LocalRegistry.start();
        Path storage = registry.storageDir();
        String v2 = "http://" + registry.host() + "/v2/";
        assertTrue(Files.isDirectory(storage));

        registry.close();

        assertThrows(ConnectException.class, () -> get(v2, "*/*"));
        assertFalse(Files.exists(storage.getParent()), "temp dir left behind: " + storage.getParent());
    }

    private HttpResponse<String> get(String url, String accept) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", accept)
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
