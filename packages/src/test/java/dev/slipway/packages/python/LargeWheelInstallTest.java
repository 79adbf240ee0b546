package dev.slipway.packages.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wheel far larger than the heap it is installed with: a JVM limited to 64 MiB installs a 384 MiB wheel from a
 * loopback index into a layer tar, which only works if neither the wheel nor its big file is ever held in memory.
 */
class LargeWheelInstallTest {
    private static final long BLOB = 384L << 20;

    @TempDir
    Path work;

    /** Run in the child JVM: installs the one wheel of {@code args[0]} (an index URL) into {@code args[2]}. */
    public static void main(String[] args) throws Exception {
        WheelLock lock = WheelLock.parse(Files.readString(Path.of(args[1])));
        new WheelInstaller(List.of(WheelSource.index(args[0])), WheelTarget.usrLocal("3.11"), Path.of(args[3]))
                .writeTar(lock, Path.of(args[2]));
    }

    @Test
    void aWheelSixTimesTheHeapInstallsStreamed() throws Exception {
        Path dir = Files.createDirectories(work.resolve("index"));
        Path wheel = TestWheels.wheel(dir, "bigpkg", "1.0", "cp311-cp311-manylinux_2_17_x86_64",
                Map.of("bigpkg/__init__.py", "SIZE = " + BLOB + "\n"), List.of(), BLOB);
        Path lock = Files.writeString(work.resolve("lock.txt"), "bigpkg==1.0 --hash=sha256:" + WheelSource.sha256(wheel)
                + "\n");
        Path tar = work.resolve("layer.tar");
        try (LoopbackIndex index = new LoopbackIndex(dir, LoopbackIndex.Style.HTML)) {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx64m", "-cp", System.getProperty("java.class.path"), LargeWheelInstallTest.class.getName(),
                    index.url(), lock.toString(), tar.toString(), work.resolve("downloads").toString())
                    .redirectErrorStream(true).start();
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(child.waitFor(5, TimeUnit.MINUTES), "the install did not finish");
            assertEquals(0, child.exitValue(), output);
            assertEquals(1, index.wheelDownloads.get());
        }
        long blob = -1;
        try (InputStream in = Files.newInputStream(tar);
                TarArchiveInputStream entries = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e; (e = entries.getNextEntry()) != null;) {
                if (e.getName().equals("usr/local/lib/python3.11/site-packages/bigpkg/blob.bin")) {
                    blob = e.getSize();
                }
            }
        }
        assertEquals(BLOB, blob);
    }
}
