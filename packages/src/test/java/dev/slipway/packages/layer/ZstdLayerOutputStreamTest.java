package dev.slipway.packages.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZstdLayerOutputStreamTest {

    @TempDir
    Path work;

    private static CompressedWrite zstd(byte[] input, int workers) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ZstdLayerOutputStream z = new ZstdLayerOutputStream(out, workers);
        for (int off = 0; off < input.length; off += 100_000) {
            z.write(input, off, Math.min(100_000, input.length - off));
        }
        z.close();
        return new CompressedWrite(out.toByteArray(), z.result());
    }

    private record CompressedWrite(byte[] bytes, CompressedLayer layer) {
    }

    @Test
    void theBytesAreTheSameForOneTwoAndEightWorkers() throws Exception {
        // large enough for several of zstd's jobs at level 3
        byte[] input = ParallelGzipOutputStreamTest.layerLike(40 << 20, 11);
        byte[] one = zstd(input, 1).bytes();
        assertArrayEquals(one, zstd(input, 2).bytes());
        assertArrayEquals(one, zstd(input, 8).bytes());
        try (ZstdInputStream in = new ZstdInputStream(new ByteArrayInputStream(one))) {
            assertArrayEquals(input, in.readAllBytes());
        }
    }

    @Test
    void theZstdToolReadsItAndTheDigestsAreOfBothSides() throws Exception {
        byte[] input = ParallelGzipOutputStreamTest.layerLike(3 << 20, 12);
        CompressedWrite written = zstd(input, 2);
        Path file = work.resolve("layer.tar.zst");
        Files.write(file, written.bytes());
        Process p = new ProcessBuilder("zstd", "-q", "-d", "-c", file.toString()).start();
        byte[] unpacked = p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor());
        assertArrayEquals(input, unpacked);
        assertEquals("sha256:" + ParallelGzipOutputStreamTest.sha256(written.bytes()), written.layer().digest());
        assertEquals("sha256:" + ParallelGzipOutputStreamTest.sha256(input), written.layer().diffId());
        assertEquals("application/vnd.oci.image.layer.v1.tar+zstd", written.layer().mediaType());
    }
}
