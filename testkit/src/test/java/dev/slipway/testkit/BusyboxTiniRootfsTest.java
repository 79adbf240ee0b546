package dev.slipway.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the rootfs looks like on disk and in its tar; running it under dockerd is in {@link LocalDockerdTest}. */
class BusyboxTiniRootfsTest {

    @TempDir
    static Path work;
    static BusyboxTiniRootfs rootfs;

    @BeforeAll
    static void build() {
        rootfs = BusyboxTiniRootfs.create(work.resolve("rootfs"));
    }

    @Test
    void hasBusyboxWithItsAppletsAndTini() throws IOException {
        Path root = rootfs.dir();
        for (String applet : List.of("bin/sh", "bin/cat", "bin/ps", "bin/sleep", "usr/bin/id", "usr/bin/wget",
                "usr/sbin/httpd", "usr/bin/nc")) {
            Path link = root.resolve(applet);
            assertTrue(Files.isSymbolicLink(link), applet + " is not a symlink");
            assertEquals(root.resolve("bin/busybox").toRealPath(), link.toRealPath(),
                    applet + " must lead to busybox inside the rootfs");
        }
        String echoed = CommandLine.of(root.resolve("bin/sh").toString(), "-c", "echo applets work")
                .run(Duration.ofSeconds(10)).requireSuccess().stdout();
        assertEquals("applets work\n", echoed);
        String tini = CommandLine.of(root.resolve("usr/bin/tini").toString(), "--version")
                .run(Duration.ofSeconds(10)).requireSuccess().stdout();
        assertTrue(tini.startsWith("tini version "), tini);
    }

    @Test
    void declaresRootAndAppuser() throws IOException {
        assertEquals("root:x:0:0:root:/root:/bin/sh\nappuser:x:10001:10001:appuser:/home/appuser:/bin/sh\n",
                Files.readString(rootfs.dir().resolve("etc/passwd")));
        assertEquals("root:x:0:\nappuser:x:10001:\n", Files.readString(rootfs.dir().resolve("etc/group")));
    }

    @Test
    void tmpIsStickyAndWorldWritable() throws IOException {
        int mode = (Integer) Files.getAttribute(rootfs.dir().resolve("tmp"), "unix:mode") & 07777;
        assertEquals(01777, mode, Integer.toOctalString(mode));
    }

    @Test
    void tarIsReproducibleAndCarriesModesAndOwners(@TempDir Path out) throws IOException {
        Path first = rootfs.writeTar(out.resolve("first.tar"));
        Path second = rootfs.writeTar(out.resolve("second.tar"));
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));

        Map<String, TarArchiveEntry> entries = new HashMap<>();
        try (InputStream in = Files.newInputStream(first); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                entries.put(entry.getName(), entry);
            }
        }
        assertEquals(01777, entries.get("tmp/").getMode() & 07777);
        assertEquals(10001, entries.get("home/appuser/").getLongUserId());
        assertEquals(0, entries.get("usr/bin/tini").getLongUserId());
        assertEquals(0755, entries.get("usr/bin/tini").getMode() & 07777);
        assertTrue(entries.get("bin/sh").isSymbolicLink());
        assertEquals("busybox", entries.get("bin/sh").getLinkName());
        assertEquals("../../bin/busybox", entries.get("usr/bin/wget").getLinkName());
    }

    @Test
    void refusesToBuildIntoADirectoryThatHoldsFiles(@TempDir Path used) throws IOException {
        Files.writeString(used.resolve("keep.txt"), "mine");

        assertThrows(IllegalArgumentException.class, () -> BusyboxTiniRootfs.create(used));
        assertTrue(Files.exists(used.resolve("keep.txt"), LinkOption.NOFOLLOW_LINKS));
    }
}
