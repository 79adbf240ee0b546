package dev.slipway.bench;

import dev.slipway.packages.layer.LayerDigest;
import dev.slipway.packages.python.WheelInstaller;
import dev.slipway.packages.python.WheelLock;
import dev.slipway.packages.python.WheelSource;
import dev.slipway.packages.python.WheelTarget;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * A torch-sized wheel, made and installed: {@code generate DIR GIB} writes {@code bigwheel-1.0-cp311-cp311-
 * manylinux_2_17_x86_64.whl} (one 1.25 GiB shared-library-like member, the rest in 64 MiB members, deflated as
 * torch's are, incompressible so the file is GIB large) and its lock; {@code install DIR OUT.tar} installs it streamed into a layer tar and prints the time.
 * bench/wheel-install.sh runs the second under /usr/bin/time for the peak RSS.
 */
public final class WheelInstallBenchmark {
    private static final String WHEEL = "bigwheel-1.0-cp311-cp311-manylinux_2_17_x86_64.whl";

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("generate")) {
            generate(Path.of(args[1]), (long) (Double.parseDouble(args[2]) * (1L << 30)));
        } else if (args.length == 3 && args[0].equals("install")) {
            install(Path.of(args[1]), Path.of(args[2]));
        } else {
            System.err.println("usage: WheelInstallBenchmark generate DIR GIB | install DIR OUT.tar");
            System.exit(2);
        }
    }

    private static void generate(Path dir, long total) throws Exception {
        Files.createDirectories(dir);
        Path wheel = dir.resolve(WHEEL);
        StringBuilder record = new StringBuilder();
        String info = "bigwheel-1.0.dist-info/";
        long big = Math.min(total, 1280L << 20);
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(wheel)) {
            zip.setLevel(1);
            small(zip, record, "bigwheel/__init__.py", "import os\n");
            small(zip, record, info + "METADATA", "Metadata-Version: 2.1\nName: bigwheel\nVersion: 1.0\n");
            small(zip, record, info + "WHEEL", "Wheel-Version: 1.0\nGenerator: slipway-bench\nRoot-Is-Purelib: false\n"
                    + "Tag: cp311-cp311-manylinux_2_17_x86_64\n");
            member(zip, record, "bigwheel/lib/libbig_cuda.so", big, 1);
            int part = 0;
            for (long done = big; done < total; done += 64L << 20) {
                member(zip, record, "bigwheel/lib/libpart" + part + ".so", Math.min(64L << 20, total - done), part + 2);
                part++;
            }
            record.append(info).append("RECORD,,\n");
            ZipArchiveEntry e = new ZipArchiveEntry(info + "RECORD");
            zip.putArchiveEntry(e);
            zip.write(record.toString().getBytes(StandardCharsets.UTF_8));
            zip.closeArchiveEntry();
        }
        Files.writeString(dir.resolve("lock.txt"), "bigwheel==1.0 --hash=sha256:" + WheelSource.sha256(wheel) + "\n");
        System.out.printf("wrote %s: %.2f GiB (%.2f GiB unpacked)%n", wheel, Files.size(wheel) / (double) (1L << 30),
                total / (double) (1L << 30));
    }

    private static void small(ZipArchiveOutputStream zip, StringBuilder record, String name, String text)
            throws Exception {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        zip.putArchiveEntry(new ZipArchiveEntry(name));
        zip.write(b);
        zip.closeArchiveEntry();
        record.append(name).append(",sha256=").append(Base64.getUrlEncoder().withoutPadding()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest(b))).append(',').append(b.length)
                .append('\n');
    }

    /** Pseudo-random bytes: deflate cannot shrink them, so the wheel file is as large as what it unpacks to. */
    private static void member(ZipArchiveOutputStream zip, StringBuilder record, String name, long size, long seed)
            throws Exception {
        zip.putArchiveEntry(new ZipArchiveEntry(name));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] block = new byte[1 << 16];
        long x = 0x9E3779B97F4A7C15L * seed;
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
            sha.update(block, 0, n);
            zip.write(block, 0, n);
            done += n;
        }
        zip.closeArchiveEntry();
        record.append(name).append(",sha256=").append(Base64.getUrlEncoder().withoutPadding()
                .encodeToString(sha.digest())).append(',').append(size).append('\n');
    }

    private static void install(Path dir, Path out) throws Exception {
        WheelLock lock = WheelLock.parse(Files.readString(dir.resolve("lock.txt")));
        long start = System.nanoTime();
        LayerDigest digest = new WheelInstaller(List.of(WheelSource.directory(dir)), WheelTarget.usrLocal("3.11"),
                dir.resolve("work")).writeTar(lock, out);
        System.out.printf("installed %s into %s (%.2f GiB) in %.1f s, layer %s%n", WHEEL, out,
                Files.size(out) / (double) (1L << 30), (System.nanoTime() - start) / 1e9, digest.diffId());
    }

    private WheelInstallBenchmark() {
    }

}
