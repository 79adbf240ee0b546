package dev.slipway.images.supplychain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.tools.jib.api.ImageReference;
import dev.slipway.images.CredentialsOverPlainHttp;
import dev.slipway.images.RegistryCredentials;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.LoopbackFileServer;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
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
        AtomicReference<Path> storage = new AtomicReference<>();
        String password = UUID.randomUUID().toString();
        try (LoopbackFileServer storageHost = LoopbackFileServer.serving(storage::get);
                LocalRegistry registry = LocalRegistry.startWithHtpasswdRedirectingBlobs("builder", password,
                        storageHost.url())) {
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

            List<LoopbackFileServer.Request> served = storageHost.requests();
            assertTrue(served.stream().filter(r -> r.method().equals("GET")
                    && r.path().startsWith("/docker/registry/v2/blobs/sha256/")).count() >= 2,
                    "both reads went to the storage host: " + served);
            assertEquals(List.of(), served.stream().filter(LoopbackFileServer.Request::authorization).toList(),
                    "the registry's credentials stay with the registry");
        }
    }
}
