package dev.slipway.images.supplychain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.tools.jib.api.ImageReference;
import dev.slipway.images.CredentialsOverPlainHttp;
import dev.slipway.images.RegistryCredentials;
import dev.slipway.images.Sha256;
import dev.slipway.testkit.LocalRegistry;
import java.io.IOException;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A blob uploaded while it is written, against the real docker-registry: committed under its digest only at the
 * end, never under a wrong one, and a registry that goes away mid-upload never fails the writer.
 */
class StreamedUploadTest {
    private static final int CHUNK = 300_000;

    private static byte[] content(int size) {
        byte[] bytes = new byte[size];
        new Random(7).nextBytes(bytes);
        return bytes;
    }

    private static void writeInChunks(StreamedUpload upload, byte[] content) throws Exception {
        for (int off = 0; off < content.length; off += CHUNK) {
            upload.write(content, off, Math.min(CHUNK, content.length - off));
        }
    }

    /**
     * 6,001,234 bytes in 21 writes: one PATCH at the default part size; in parts of 1,000,000 bytes, six full ones and
     * one of 1,234 (docker-registry 2.8 appends each part where the upload stands; it does not check the parts'
     * Content-Range).
     */
    @ParameterizedTest(name = "parts of {0} bytes (0: the default): {1} PATCHes")
    @CsvSource({"0, 1", "1000000, 7"})
    void aBlobWrittenInPiecesIsCommittedUnderItsDigestAndReadsBackTheSame(int partBytes, long patches)
            throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            OciRegistry client = new OciRegistry(RegistryCredentials.anonymous(), true);
            ImageReference repository = ImageReference.parse(registry.host() + "/slipway/streamed");
            byte[] content = content(20 * CHUNK + 1234);
            String digest = "sha256:" + Sha256.hex(content);

            StreamedUpload upload = partBytes == 0
                    ? client.streamBlob(repository)
                    : client.streamBlob(repository, partBytes);
            assertFalse(client.hasBlob(repository, digest), "nothing is a blob before it is committed");
            writeInChunks(upload, content);
            assertEquals(Optional.empty(), upload.finish(digest));
            upload.close();

            assertArrayEquals(content, client.blob(repository, digest).orElseThrow());
            assertEquals(patches,
                    registry.log().lines().filter(l -> l.contains("\"PATCH /v2/slipway/streamed/blobs/uploads/"))
                            .count());
        }
    }

    @Test
    void aRegistryThatWantsCredentialsGetsThemForTheStreamedUploadToo() throws Exception {
        String password = java.util.UUID.randomUUID().toString();
        try (LocalRegistry registry = LocalRegistry.startWithHtpasswd("builder", password)) {
            OciRegistry client = new OciRegistry(RegistryCredentials.fromEnvironment(java.util.Map.of(
                    RegistryCredentials.USERNAME_VARIABLE, "builder", RegistryCredentials.PASSWORD_VARIABLE,
                    password)), true);
            ImageReference repository = ImageReference.parse(registry.host() + "/slipway/private");
            byte[] content = content(3 * CHUNK);
            String digest = "sha256:" + Sha256.hex(content);

            CredentialsOverPlainHttp.allowed(() -> {
                try (StreamedUpload upload = client.streamBlob(repository)) {
                    writeInChunks(upload, content);
                    assertEquals(Optional.empty(), upload.finish(digest));
                }
                assertArrayEquals(content, client.blob(repository, digest).orElseThrow());
                return null;
            });
            OciRegistry withoutOptIn = new OciRegistry(RegistryCredentials.fromEnvironment(java.util.Map.of(
                    RegistryCredentials.USERNAME_VARIABLE, "builder", RegistryCredentials.PASSWORD_VARIABLE,
                    password)), true);
            IOException refused = assertThrows(IOException.class, () -> withoutOptIn.blob(repository, digest));
            assertTrue(refused.getMessage().contains("plain HTTP"), "not without the opt-in: " + refused.getMessage());
        }
    }

    @Test
    void aWrongDigestOrAnAbandonedUploadLeavesNoBlob() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start()) {
            OciRegistry client = new OciRegistry(RegistryCredentials.anonymous(), true);
            ImageReference repository = ImageReference.parse(registry.host() + "/slipway/streamed");
            byte[] content = content(5 * CHUNK);
            String wrong = "sha256:" + "0".repeat(64);

            StreamedUpload upload = client.streamBlob(repository);
            writeInChunks(upload, content);
            Optional<String> refused = upload.finish(wrong);
            assertTrue(refused.isPresent() && refused.get().contains("commit blob " + wrong), refused.toString());
            assertFalse(client.hasBlob(repository, wrong));
            assertFalse(client.hasBlob(repository, "sha256:" + Sha256.hex(content)));

            StreamedUpload abandoned = client.streamBlob(repository);
            writeInChunks(abandoned, content);
            abandoned.close();
            assertFalse(client.hasBlob(repository, "sha256:" + Sha256.hex(content)), "an abandoned upload");
        }
    }

    @Test
    void aRegistryThatStopsMidUploadNeverFailsTheWriterAndFinishSaysWhy() throws Exception {
        LocalRegistry registry = LocalRegistry.start();
        try {
            OciRegistry client = new OciRegistry(RegistryCredentials.anonymous(), true);
            ImageReference repository = ImageReference.parse(registry.host() + "/slipway/streamed");
            byte[] content = content(40 * CHUNK);

            StreamedUpload upload = client.streamBlob(repository);
            writeInChunks(upload, java.util.Arrays.copyOf(content, 4 * CHUNK));
            registry.close();
            // the writer (a layer being compressed) goes on to the end as if nothing happened
            writeInChunks(upload, content);
            Optional<String> why = upload.finish("sha256:" + Sha256.hex(content));
            assertTrue(why.isPresent(), "a stopped registry cannot have committed the blob");
            upload.close();
        } finally {
            registry.close();
        }
    }
}
