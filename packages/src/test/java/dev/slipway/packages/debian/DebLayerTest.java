package dev.slipway.packages.debian;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.packages.layer.LayerContent;
import dev.slipway.packages.layer.LayerEntry;
import dev.slipway.packages.layer.LayerTree;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Packages built with the real dpkg-deb, with the odd corners real packages have. */
class DebLayerTest {

    @TempDir
    Path work;

    /** Builds a .deb with dpkg-deb; modes and hardlinks are set with chmod and ln. */
    private Path deb(String name, String compression, String marker) throws Exception {
        Path out = work.resolve(name + "-" + compression + "-" + marker + ".deb");
        if (Files.exists(out)) {
            return out;
        }
        Path root = Files.createDirectories(work.resolve(name + "-" + compression + "-" + marker));
        Files.createDirectories(root.resolve("DEBIAN"));
        Files.writeString(root.resolve("DEBIAN/control"), "Package: " + name + "\nVersion: 1.0\nArchitecture: amd64\n"
                + "Maintainer: Test <test@deb.example>\nDescription: test package\n");
        Files.createDirectories(root.resolve("usr/bin"));
        Files.createDirectories(root.resolve("var/tmp-sticky"));
        Files.createDirectories(root.resolve("srv/shared"));
        Files.writeString(root.resolve("usr/bin/" + name + "-tool"), "#!/bin/sh\necho " + marker + "\n");
        Files.writeString(root.resolve("usr/bin/common"), marker + "\n");
        Files.writeString(root.resolve("usr/bin/zz-original"), "hardlinked " + name + "\n");
        LocalDebianRepository.run(root, "ln", "usr/bin/zz-original", "usr/bin/aa-hardlink");
        LocalDebianRepository.run(root, "ln", "-s", "../bin/" + name + "-tool", "usr/bin/link-" + name);
        LocalDebianRepository.run(root, "chmod", "4755", "usr/bin/" + name + "-tool");
        LocalDebianRepository.run(root, "chmod", "1777", "var/tmp-sticky");
        LocalDebianRepository.run(root, "chmod", "2775", "srv/shared");
        LocalDebianRepository.run(work, "dpkg-deb", "--root-owner-group", "-Z" + compression, "--build",
                root.toString(), out.toString());
        return out;
    }

    private static byte[] tar(DebLayer layer) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        layer.writeTar(out);
        return out.toByteArray();
    }

    private Map<String, TarArchiveEntry> entries(byte[] tar) throws IOException {
        Path file = work.resolve("inspect-" + System.nanoTime() + ".tar");
        Files.write(file, tar);
        return DebianRepositoryTest.entries(file);
    }

    @ParameterizedTest
    @ValueSource(strings = {"xz", "gzip", "zstd", "none"})
    void everyDataCompressionGivesTheSameLayer(String compression) throws Exception {
        byte[] xz = tar(new DebLayer().addPackage(deb("alpha", "xz", "one")));
        byte[] other = tar(new DebLayer().addPackage(deb("alpha", compression, "one")));
        assertArrayEquals(xz, other);
    }

    @Test
    void keepsSpecialModesLinksAndHardlinks() throws Exception {
        Map<String, TarArchiveEntry> tar = entries(tar(new DebLayer().addPackage(deb("alpha", "xz", "one"))));
        assertEquals(04755, tar.get("usr/bin/alpha-tool").getMode() & 07777);
        assertEquals(01777, tar.get("var/tmp-sticky/").getMode() & 07777);
        assertEquals(02775, tar.get("srv/shared/").getMode() & 07777);
        assertEquals("../bin/alpha-tool", tar.get("usr/bin/link-alpha").getLinkName());
        // the smaller path carries the bytes, whichever name dpkg-deb stored first
        assertTrue(tar.get("usr/bin/aa-hardlink").isFile());
        assertTrue(tar.get("usr/bin/zz-original").isLink());
        assertEquals("usr/bin/aa-hardlink", tar.get("usr/bin/zz-original").getLinkName());
        List<String> order = new ArrayList<>();
        try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
                new java.io.ByteArrayInputStream(tar(new DebLayer().addPackage(deb("alpha", "xz", "two")))))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                order.add(e.getName());
            }
        }
        assertEquals(order.stream().sorted().toList(), order);
    }

    @Test
    void laterPackagesWinAndDirectoriesMerge() throws Exception {
        Path first = deb("alpha", "xz", "first");
        Path second = deb("beta", "xz", "second");
        Path dir = work.resolve("x");
        Files.createDirectories(dir);
        DebLayer layer = new DebLayer().addPackage(first).addPackage(second).addDpkgStatus();
        assertEquals("second\n", new String(layer.tree().get("/usr/bin/common").orElseThrow().content().bytes(),
                StandardCharsets.UTF_8));
        assertEquals(1, layer.tree().entries(e -> e.path().equals("usr/bin")).size());
        assertTrue(layer.tree().get("usr/bin/alpha-tool").isPresent());
        String status = new String(layer.tree().get("var/lib/dpkg/status").orElseThrow().content().bytes(),
                StandardCharsets.UTF_8);
        assertTrue(status.startsWith("Package: alpha\nStatus: install ok installed\n"), status);
    }

    @Test
    void packagesUnpackedOnEveryCoreMakeTheSameLayerAsOneAfterAnother() throws Exception {
        // a big first package, so the small ones after it are done first; the later package must still win
        Path big = deb("alpha", "xz", "first");
        Files.write(work.resolve("alpha-xz-first/usr/bin/big"), new byte[8 << 20]);
        Files.delete(big);
        LocalDebianRepository.run(work, "dpkg-deb", "--root-owner-group", "-Zxz", "--build",
                work.resolve("alpha-xz-first").toString(), big.toString());
        // in the lock's order (by name), as a lock hands them out
        List<Path> debs = List.of(big, deb("beta", "gzip", "second"), deb("gamma", "none", "third"),
                deb("zeta", "zstd", "fourth"));
        DebLayer oneByOne = new DebLayer();
        for (Path deb : debs) {
            oneByOne.addPackage(deb);
        }
        List<LockedPackage> locked = new java.util.ArrayList<>();
        for (Path deb : debs) {
            locked.add(new LockedPackage(deb.getFileName().toString().split("-")[0], DebianVersion.parse("1.0"),
                    "amd64", deb.getFileName().toString(), Files.size(deb), LocalDebianRepository.sha256(deb)));
        }
        DebianLock lock = new DebianLock("test", DebianSource.flat(work.toString(), "amd64"), locked);
        try (DebLayer parallel = new DebLayer().addPackages(new PackageFetcher(work.resolve("cache")), lock)) {
            assertArrayEquals(tar(oneByOne.addDpkgStatus()), tar(parallel.addDpkgStatus()));
            assertEquals("fourth\n", new String(parallel.tree().get("usr/bin/common").orElseThrow().content()
                    .bytes(), StandardCharsets.UTF_8), "the last package of the lock wins");
        }
        oneByOne.close();
    }

    @Test
    void buildMtimeDoesNotLeakIntoTheLayer() throws Exception {
        Path a = deb("alpha", "xz", "one");
        byte[] before = tar(new DebLayer().addPackage(a));
        Thread.sleep(1100); // dpkg-deb stamps files with their mtime; rebuild the same tree a second later
        Path root = work.resolve("alpha-xz-one");
        try (var s = Files.walk(root)) {
            for (Path p : s.toList()) {
                if (!Files.isSymbolicLink(p)) {
                    Files.setLastModifiedTime(p, FileTime.from(Instant.now()));
                }
            }
        }
        Files.delete(a);
        LocalDebianRepository.run(work, "dpkg-deb", "--root-owner-group", "-Zxz", "--build", root.toString(),
                a.toString());
        assertArrayEquals(before, tar(new DebLayer().addPackage(a)));
    }

    @Test
    void packageContentsStayOnDiskAndLeaveNothingBehind() throws Exception {
        Path spool = Files.createDirectories(work.resolve("spool"));
        DebLayer layer = new DebLayer(spool).addPackage(deb("alpha", "xz", "one"));
        byte[] spooled = tar(layer);
        LayerTree inMemory = new LayerTree();
        for (LayerEntry e : layer.tree().entries()) {
            inMemory.add(e.kind() != LayerEntry.Kind.FILE
                    ? e
                    : new LayerEntry(e.path(), e.kind(), e.mode(), e.uid(),
                            e.gid(), e.userName(), e.groupName(), null, LayerContent.of(e.content().bytes())));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        inMemory.writeTar(out);
        assertArrayEquals(out.toByteArray(), spooled, "where contents are kept must not change a byte");
        LayerEntry tool = layer.tree().get("usr/bin/alpha-tool").orElseThrow();
        assertEquals(LayerContent.of("#!/bin/sh\necho one\n".getBytes(StandardCharsets.UTF_8)), tool.content());
        try (var listing = Files.list(spool)) {
            assertEquals(List.of(), listing.toList(), "the spool file is unlinked as soon as it is open");
        }
        layer.close();
        assertThrows(UncheckedIOException.class, () -> tool.content().bytes(), "contents were read from the spool");
    }

    @Test
    void mergedUsrPutsLibUnderUsr() throws Exception {
        DebLayer layer = new DebLayer().mergedUsr()
                .add(LayerEntry.file("lib/x86_64-linux-gnu/libdemo.so.1", 0644, new byte[]{1}));
        assertTrue(layer.tree().get("usr/lib/x86_64-linux-gnu/libdemo.so.1").isPresent());
        assertEquals("usr/lib", layer.tree().entries(e -> e.path().equals("lib")).get(0).linkTarget());
    }

    @Test
    void appuserGetsAHomeDirectoryItOwnsAndNobodyNone() throws IOException {
        try (DebLayer layer = new DebLayer(work)) {
            layer.addAccounts(Accounts.rootAndAppUser());
            LayerEntry home = layer.tree().get("home/appuser").orElseThrow();
            assertEquals(LayerEntry.Kind.DIRECTORY, home.kind());
            assertEquals(List.of(10001, 10001, 0750), List.of(home.uid(), home.gid(), home.mode()));
            assertTrue(layer.tree().get("nonexistent").isEmpty());
            assertTrue(layer.tree().get("root").isEmpty());
        }
    }

    /** A package of files of many sizes, several of them across the reader's 64 KiB buffer, built stored and xz. */
    private List<Path> storedAndXz() throws Exception {
        Path root = Files.createDirectories(work.resolve("sizes"));
        Files.createDirectories(root.resolve("DEBIAN"));
        Files.writeString(root.resolve("DEBIAN/control"), "Package: sizes\nVersion: 1.0\nArchitecture: amd64\n"
                + "Maintainer: Test <test@deb.example>\nDescription: files of many sizes\n");
        Files.createDirectories(root.resolve("usr/lib/sizes"));
        java.util.Random random = new java.util.Random(42);
        for (int size : new int[]{0, 1, 511, 512, 513, 65535, 65536, 65537, 100_000, 3 << 20}) {
            byte[] bytes = new byte[size];
            random.nextBytes(bytes);
            Files.write(root.resolve("usr/lib/sizes/f" + size), bytes);
        }
        // a path longer than tar's 100 bytes: its name goes in an extra header before the file's bytes
        Files.writeString(Files.createDirectories(root.resolve("usr/share/" + "d".repeat(120))).resolve("long"), "x");
        List<Path> debs = new ArrayList<>();
        for (String compression : List.of("none", "xz")) {
            Path deb = work.resolve("sizes-" + compression + ".deb");
            LocalDebianRepository.run(work, "dpkg-deb", "--root-owner-group", "-Z" + compression, "--build",
                    root.toString(), deb.toString());
            debs.add(deb);
        }
        return debs;
    }

    private static LockedPackage locked(Path deb) throws IOException {
        return new LockedPackage("sizes", DebianVersion.parse("1.0"), "amd64", deb.getFileName().toString(),
                Files.size(deb), LocalDebianRepository.sha256(deb));
    }

    @Test
    void filesAStoredDataTarHoldsAreReadWhereTheyAreAndMakeTheSameLayer() throws Exception {
        List<Path> debs = storedAndXz();
        Path spool = Files.createDirectories(work.resolve("spool"));
        Path cache = work.resolve("cache");
        DebianSource mirror = DebianSource.flat(work.toString(), "amd64");
        try (DebLayer stored = new DebLayer(spool).addPackages(new PackageFetcher(cache),
                new DebianLock("test", mirror, List.of(locked(debs.get(0)))));
                DebLayer xz = new DebLayer(spool).addPackages(new PackageFetcher(cache),
                        new DebianLock("test", mirror, List.of(locked(debs.get(1)))))) {
            assertArrayEquals(tar(xz), tar(stored));
            // read in place, the file's bytes are the .deb's: a change to it after it was verified is refused
            byte[] deb = Files.readAllBytes(debs.get(0));
            Files.write(debs.get(0), deb);
            IOException changed = assertThrows(IOException.class, () -> tar(stored));
            assertEquals(debs.get(0) + " changed while its contents were read into the layer; it was verified "
                    + "before that, so build again", changed.getMessage());
            assertArrayEquals(tar(xz), tar(xz), "a spooled package is not read from its .deb again");
        }
    }
}
