package dev.slipway.images.supplychain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.tools.jib.api.ImageReference;
import com.sun.net.httpserver.HttpServer;
import dev.slipway.images.CredentialsOverPlainHttp;
import dev.slipway.images.RegistryCredentials;
import dev.slipway.testkit.LocalRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A registry whose blobs are served from elsewhere (S3, a CDN) answers a blob GET with a redirect: docker-registry
 * with its {@code redirect} storage middleware, in front of a plain HTTP file server over its storage. The client
 * follows it, reads the same bytes, and never sends the registry's credentials to the other host.
 */
class BlobRedirectTest {

    @Test
    void aRedirectedBlobIsReadFromTheOtherHostWithoutTheRegistrysCredentials() throws Exception {
        List<String> served = new CopyOnWriteArrayList<>();
        AtomicReference<Path> storage = new AtomicReference<>();
        HttpServer storageHost = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        storageHost.createContext("/", exchange -> {
            served.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath()
                    + (exchange.getRequestHeaders().containsKey("Authorization") ? " with Authorization" : ""));
            Path file = storage.get().resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            if (!file.startsWith(storage.get()) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
            } else if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().set("Content-Length", String.valueOf(Files.size(file)));
                exchange.sendResponseHeaders(200, -1);
            } else {
                exchange.sendResponseHeaders(200, Files.size(file));
                try (OutputStream body = exchange.getResponseBody()) {
                    Files.copy(file, body);
                }
            }
            exchange.close();
        });
        storageHost.start();
        String password = UUID.randomUUID().toString();
        try (LocalRegistry registry = LocalRegistry.startWithHtpasswdRedirectingBlobs("builder", password,
                "http://127.0.0.1:" + storageHost.getAddress().getPort())) {
            storage.set(registry.storageDir().toRealPath());
            OciRegistry client = new OciRegistry(RegistryCredentials.fromEnvironment(Map.of(
                    RegistryCredentials.USERNAME_VARIABLE, "builder", RegistryCredentials.PASSWORD_VARIABLE,
                    password)), true);
            ImageReference repository = ImageReference.parse(registry.host() + "/slipway/redirected");
            byte[] content = new byte[3 << 20];
            new Random(21).nextBytes(content);

            CredentialsOverPlainHttp.allowed(() -> {
                String digest = client.pushBlob(repository, content);
                assertTrue(client.hasBlob(repository, digest), "the pushed blob is there");
                assertArrayEquals(content, client.blob(repository, digest).orElseThrow());
                try (InputStream streamed = client.openBlob(repository, digest).orElseThrow()) {
                    assertArrayEquals(content, streamed.readAllBytes());
                }
                return null;
            });

            String path = "/docker/registry/v2/blobs/sha256/";
            assertTrue(served.stream().filter(r -> r.startsWith("GET " + path)).count() >= 2,
                    "both reads went to the storage host: " + served);
            assertEquals(List.of(), served.stream().filter(r -> r.endsWith("with Authorization")).toList(),
                    "the registry's credentials stay with the registry");
        } finally {
            storageHost.stop(0);
        }
    }
}
