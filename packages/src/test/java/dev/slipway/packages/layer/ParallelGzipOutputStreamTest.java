package dev.slipway.packages.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ParallelGzipOutputStreamTest {

    private static final int BLOCK = ParallelGzipOutputStream.BLOCK_SIZE;

    @TempDir
    Path work;

    /** Text, repeats that straddle block boundaries (so dictionaries matter), and incompressible stretches. */
    static byte[] layerLike(int size, long seed) {
        Random random = new Random(seed);
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        byte[] phrase = "usr/lib/x86_64-linux-gnu/libexample.so.1 ELF symbol table entry "
                .getBytes(StandardCharsets.US_ASCII);
        while (out.size() < size) {
            switch (random.nextInt(3)) {
                case 0 -> {
                    for (int i = random.nextInt(400); i > 0; i--) {
                        out.write(phrase, 0, phrase.length);
                    }
                }
                case 1 -> {
                    byte[] noise = new byte[random.nextInt(20_000)];
                    random.nextBytes(noise);
                    out.writeBytes(noise);
                }
                default -> {
                    byte[] all = out.toByteArray();
                    int len = Math.min(all.length, random.nextInt(30_000));
                    out.write(all, all.length - len, len); // a repeat of what came just before
                }
            }
        }
        byte[] bytes = out.toByteArray();
        return java.util.Arrays.copyOf(bytes, size);
    }

    private static byte[] parallel(byte[] input, int threads, int chunk) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(out, pool, threads)) {
                for (int off = 0; off < input.length; off += chunk) {
                    gz.write(input, off, Math.min(chunk, input.length - off));
                }
            }
            return out.toByteArray();
        } finally {
            pool.shutdownNow();
        }
    }

    private static byte[] jdkGzip(byte[] input) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16)) {
            gz.write(input);
        }
        return out.toByteArray();
    }

    private static byte[] gunzip(byte[] gzip) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            return in.readAllBytes();
        }
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void theBytesAreTheSameForOneTwoAndEightThreadsAndAnyWriteSizes() throws Exception {
        byte[] input = layerLike(5 * BLOCK + 12_345, 1);
        byte[] one = parallel(input, 1, 1 << 16);
        byte[] two = parallel(input, 2, 7_919);
        byte[] eight = parallel(input, 8, 3 * BLOCK);
        assertEquals(sha256(one), sha256(two));
        assertEquals(sha256(one), sha256(eight));
        assertArrayEquals(one, eight);
        assertArrayEquals(input, gunzip(one));
    }

    @Test
    void gzipAndGunzipReadItAsOneMemberOfTheOriginalBytes() throws Exception {
        byte[] input = layerLike(3 * BLOCK + 99, 2);
        Path gz = work.resolve("layer.tar.gz");
        Files.write(gz, parallel(input, 2, 1 << 16));
        Process test = new ProcessBuilder("gzip", "-t", gz.toString()).redirectErrorStream(true).start();
        String testOutput = new String(test.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, test.waitFor(), "gzip -t: " + testOutput);
        Process gunzip = new ProcessBuilder("gunzip", "-c", gz.toString()).start();
        byte[] unpacked = gunzip.getInputStream().readAllBytes();
        assertEquals(0, gunzip.waitFor());
        assertArrayEquals(input, unpacked);
        // one member: `gzip -l` counts members by the trailer it reads; the JDK stops at the first member's end
        assertArrayEquals(input, gunzip(Files.readAllBytes(gz)));
    }

    @Test
    void itCompressesAsWellAsOneThreadedGzipBecauseEachBlockSeesThePreviousOnesTail() throws Exception {
        byte[] input = layerLike(6 * BLOCK, 3);
        int parallel = parallel(input, 2, 1 << 16).length;
        int jdk = jdkGzip(input).length;
        assertTrue(parallel <= jdk * 1.005, "parallel " + parallel + " bytes against GZIPOutputStream's " + jdk);
    }

    @Test
    void itHashesBothSidesAsItWrites() throws Exception {
        byte[] input = layerLike(2 * BLOCK + 7, 4);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ParallelGzipOutputStream gz = new ParallelGzipOutputStream(out, pool, 2);
            gz.write(input);
            gz.close();
            CompressedLayer layer = gz.result();
            assertEquals("sha256:" + sha256(out.toByteArray()), layer.digest());
            assertEquals(out.size(), layer.size());
            assertEquals("sha256:" + sha256(input), layer.diffId());
            assertEquals(input.length, layer.uncompressed().size());
            assertEquals("application/vnd.oci.image.layer.v1.tar+gzip", layer.mediaType());
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 100, 70_000, BLOCK - 1, BLOCK})
    void aLayerOfOneBlockOrLessIsWhatGzipOutputStreamWrites(int size) throws Exception {
        byte[] input = layerLike(size, size);
        assertArrayEquals(jdkGzip(input), parallel(input, 2, 1 << 16));
    }

    @Test
    void aLayerJustOverOneBlockStillRoundTrips() throws Exception {
        byte[] input = layerLike(BLOCK + 1, 5);
        assertArrayEquals(input, gunzip(parallel(input, 8, 1)));
    }
}
