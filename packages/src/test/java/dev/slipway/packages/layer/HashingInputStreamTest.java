package dev.slipway.packages.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The one stream that counts and hashes downloads: Debian indexes (size limit) and registry blobs (digest). */
class HashingInputStreamTest {
    private static final byte[] CONTENT = "a blob of some bytes".getBytes(StandardCharsets.UTF_8);

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void passesTheBytesThroughAndHashesWhatWasSkippedToo() throws Exception {
        HashingInputStream in = HashingInputStream.limitedTo(new ByteArrayInputStream(CONTENT), CONTENT.length);
        assertEquals(2, in.skip(2));
        byte[] rest = in.readAllBytes();
        assertArrayEquals(java.util.Arrays.copyOfRange(CONTENT, 2, CONTENT.length), rest);
        assertEquals(sha256(CONTENT), in.drainAndDigest());
        assertEquals(CONTENT.length, in.count());
    }

    @Test
    void refusesToReadPastItsLimit() {
        HashingInputStream in = HashingInputStream.limitedTo(new ByteArrayInputStream(CONTENT), CONTENT.length - 1);
        assertThrows(HashingInputStream.SizeExceeded.class, in::readAllBytes);
    }

    @Test
    void contentThatDoesNotHashToItsDigestFailsAtTheEndNamingIt() throws Exception {
        HashingInputStream right = HashingInputStream.expecting(new ByteArrayInputStream(CONTENT),
                "sha256:" + sha256(CONTENT), "blob");
        assertArrayEquals(CONTENT, right.readAllBytes());

        HashingInputStream wrong = HashingInputStream.expecting(new ByteArrayInputStream(CONTENT),
                "sha256:" + "0".repeat(64), "127.0.0.1:5000/slipway/base: blob sha256:000");
        IOException e = assertThrows(IOException.class, wrong::readAllBytes);
        assertEquals("127.0.0.1:5000/slipway/base: blob sha256:000 does not hash to its digest", e.getMessage());
    }
}
