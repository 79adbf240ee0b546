package dev.slipway.packages.python;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/** Wheels the tests build themselves, written straight to a file (a large member never sits in memory). */
final class TestWheels {
    private TestWheels() {
    }

    /**
     * {@code dist-version-tags.whl} in {@code dir} with {@code files}, a METADATA listing {@code requiresDist}, and,
     * if {@code largeBytes > 0}, a stored member {@code dist/blob.bin} of that many pseudo-random bytes.
     */
    static Path wheel(Path dir, String dist, String version, String tags, Map<String, String> files,
            List<String> requiresDist, long largeBytes) throws Exception {
        String info = dist + "-" + version + ".dist-info/";
        Map<String, String> small = new LinkedHashMap<>(files);
        StringBuilder metadata = new StringBuilder(
                "Metadata-Version: 2.1\nName: " + dist + "\nVersion: " + version + "\n");
        requiresDist.forEach(r -> metadata.append("Requires-Dist: ").append(r).append('\n'));
        small.put(info + "METADATA", metadata + "\nA description that mentions Requires-Dist: nothing.\n");
        small.put(info + "WHEEL", "Wheel-Version: 1.0\nGenerator: slipway-test\nRoot-Is-Purelib: false\nTag: "
                + tags + "\n");
        Path file = dir.resolve(dist + "-" + version + "-" + tags + ".whl");
        StringBuilder record = new StringBuilder();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(file)) {
            for (Map.Entry<String, String> f : small.entrySet()) {
                byte[] b = f.getValue().getBytes(StandardCharsets.UTF_8);
                ZipArchiveEntry e = new ZipArchiveEntry(f.getKey());
                e.setUnixMode(0100644);
                zip.putArchiveEntry(e);
                zip.write(b);
                zip.closeArchiveEntry();
                record.append(f.getKey()).append(",sha256=").append(WheelInstaller.urlsafeSha256(b)).append(',')
                        .append(b.length).append('\n');
            }
            if (largeBytes > 0) {
                String name = dist + "/blob.bin";
                ZipArchiveEntry e = new ZipArchiveEntry(name);
                e.setMethod(ZipArchiveEntry.STORED);
                e.setUnixMode(0100644);
                zip.putArchiveEntry(e);
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                writePseudoRandom(largeBytes, new OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        write(new byte[]{(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        sha.update(b, off, len);
                        zip.write(b, off, len);
                    }
                });
                zip.closeArchiveEntry();
                record.append(name).append(",sha256=").append(Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(sha.digest())).append(',').append(largeBytes).append('\n');
            }
            record.append(info).append("RECORD,,\n");
            ZipArchiveEntry e = new ZipArchiveEntry(info + "RECORD");
            e.setUnixMode(0100644);
            zip.putArchiveEntry(e);
            zip.write(record.toString().getBytes(StandardCharsets.UTF_8));
            zip.closeArchiveEntry();
        }
        return file;
    }

    /** xorshift bytes: incompressible enough, fast, the same on every run. */
    static void writePseudoRandom(long size, OutputStream out) throws IOException {
        byte[] block = new byte[1 << 16];
        long x = 0x9E3779B97F4A7C15L;
        for (long done = 0; done < size;) {
            for (int i = 0; i < block.length; i += 8) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                for (int k = 0; k < 8; k++) {
                    block[i + k] = (byte) (x >>> (8 * k));
                }
            }
            int n = (int) Math.min(block.length, size - done);
            out.write(block, 0, n);
            done += n;
        }
    }
}
