package dev.slipway.packages.debian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.slipway.packages.layer.LayerDigest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole Debian path against real packages: resolve, lock, fetch, verify, layer, run. */
class DebianRepositoryTest {

    static final String FAMILY = "base-python";
    static final List<String> REQUESTED = List.of("python3-minimal", "tini", "mount", "ca-certificates");

    @TempDir
    static Path work;
    static Path repo;
    static DebianSource source;
    static DebianLock lock;
    static List<FetchedPackage> fetched;
    static Path layer;
    static LayerDigest digest;

    @BeforeAll
    static void buildOnce() throws Exception {
        repo = LocalDebianRepository.create(work);
        source = DebianSource.flat(repo.toString(), "amd64");
        long start = System.nanoTime();
        PackageIndex index = PackageIndex.load(source, IndexCheck.unsigned());
        Resolution resolution = new Resolver(index).resolve(FAMILY, REQUESTED);
        long resolveMillis = (System.nanoTime() - start) / 1_000_000;
        lock = resolution.toLock();
        fetched = new PackageFetcher(work.resolve("cache")).fetch(lock);
        layer = work.resolve("base-python.tar");
        digest = build(lock, work.resolve("cache"), layer);
        System.out.printf("[slipway-packages] %s: index %d packages, closure %d packages, index+resolve %d ms,"
                + " layer %d bytes, %s%n", FAMILY, index.size(), lock.packages().size(), resolveMillis, digest.size(),
                digest.diffId());
    }

    static LayerDigest build(DebianLock lock, Path cache, Path out) throws IOException {
        return new DebLayer().addPackages(new PackageFetcher(cache), lock).addAccounts(Accounts.rootAndAppUser())
                .addCaBundle()
                .addDpkgStatus().writeTar(out);
    }

    static Map<String, TarArchiveEntry> entries(Path tar) throws IOException {
        Map<String, TarArchiveEntry> map = new HashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                map.put(e.getName(), e);
            }
        }
        return map;
    }

    @Test
    void closureIsWhatDebianWouldInstall() {
        List<String> names = lock.packages().stream().map(LockedPackage::name).toList();
        for (String expected : List.of("python3-minimal", "python3.11-minimal", "libpython3.11-minimal", "libc6",
                "zlib1g", "libexpat1", "libssl3", "tini", "mount", "libmount1", "ca-certificates", "openssl",
                "debconf")) {
            assertTrue(names.contains(expected), expected + " missing from " + names);
        }
        assertEquals(names.stream().sorted().toList(), names);
        // debconf (>= 0.5) | debconf-2.0: the first alternative, not the cdebconf provider
        assertFalse(names.contains("cdebconf"), names.toString());
    }

    @Test
    void lockRoundTripsAndMatchesTheMirror() throws IOException {
        Path file = work.resolve("base-python.debian.lock");
        lock.writeTo(file);
        assertEquals(lock, DebianLock.read(file));
        assertEquals(Files.readString(file), DebianLock.read(file).write());
        for (FetchedPackage p : fetched) {
            assertEquals(p.locked().sha256(), LocalDebianRepository.sha256(repo.resolve(p.locked().filename())));
        }
    }

    @Test
    void layerKeepsModesLinksAndOwners() throws IOException {
        Map<String, TarArchiveEntry> tar = entries(layer);
        TarArchiveEntry mount = tar.get("bin/mount");
        assertEquals(04755, mount.getMode() & 07777, "mount is setuid root");
        assertTrue(mount.isFile());
        TarArchiveEntry python3 = tar.get("usr/bin/python3");
        assertTrue(python3.isSymbolicLink());
        assertEquals("python3.11", python3.getLinkName());
        assertEquals(0755, tar.get("usr/bin/python3.11").getMode() & 07777);
        assertTrue(tar.get("usr/").isDirectory());
        assertTrue(tar.get("tmp/") == null || (tar.get("tmp/").getMode() & 07777) == 01777);
        for (TarArchiveEntry e : tar.values()) {
            assertFalse(e.getName().startsWith("./") || e.getName().startsWith("/"), e.getName());
            assertEquals(1000L, e.getModTime().getTime(), e.getName());
            if (e.getName().equals("home/appuser/")) {
                // the one entry not root's: appuser's own home
                assertEquals(List.of(10001L, 10001L, "appuser"), List.of(e.getLongUserId(), e.getLongGroupId(),
                        e.getUserName()));
                continue;
            }
            assertEquals(0, e.getLongUserId(), e.getName());
            assertEquals("root", e.getUserName(), e.getName());
        }
        assertTrue(tar.containsKey("home/appuser/"));
        String passwd = new String(Files.readAllBytes(extract().resolve("etc/passwd")), StandardCharsets.UTF_8);
        assertTrue(passwd.contains("appuser:x:10001:10001:"), passwd);
    }

    @Test
    void caBundleAndDpkgStatusAreGenerated() throws IOException {
        Path root = extract();
        String bundle = Files.readString(root.resolve("etc/ssl/certs/ca-certificates.crt"));
        long certs = bundle.lines().filter(l -> l.equals("-----BEGIN CERTIFICATE-----")).count();
        try (Stream<Path> s = Files.walk(root.resolve("usr/share/ca-certificates"))) {
            assertEquals(s.filter(p -> p.toString().endsWith(".crt")).count(), certs);
        }
        assertTrue(certs > 100, "bundle has " + certs + " certificates");
        String status = Files.readString(root.resolve("var/lib/dpkg/status"));
        assertEquals(lock.packages().size(),
                status.lines().filter(l -> l.equals("Status: install ok installed")).count());
        assertTrue(Files.readString(root.resolve("var/lib/dpkg/info/libc6:amd64.list"))
                .contains("\n/lib/x86_64-linux-gnu/libc.so.6\n"));
    }

    /** Real GNU tar, as a container runtime would unpack the layer. */
    static Path extract() throws IOException {
        Path dir = work.resolve("rootfs");
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            try {
                LocalDebianRepository.run(dir, "tar", "--numeric-owner", "-xpf", layer.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        return dir;
    }

    @Test
    void pythonFromTheLayerRunsWithoutAnyMaintainerScript() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "chroot needs root");
        Path root = extract();
        assertEquals("3.11 ok\n", LocalDebianRepository.run(root, "chroot", root.toString(), "/usr/bin/python3", "-c",
                "import sys, zlib, os; print('%d.%d' % sys.version_info[:2], 'ok')"));
        assertTrue(LocalDebianRepository.run(root, "chroot", root.toString(), "/usr/bin/tini", "--version")
                .contains("tini"));
    }

    @Test
    void sameInputsGiveTheSameBytesWhateverMtimesModesAndPaths() throws IOException {
        DebianLock a = copies(work.resolve("copy-a"), Instant.parse("2001-01-01T00:00:00Z"), "rw-r--r--");
        DebianLock b = copies(work.resolve("elsewhere/copy-b"), Instant.parse("2033-03-03T03:03:03Z"), "rw-------");
        LayerDigest first = build(a, work.resolve("cache-a"), work.resolve("a.tar"));
        LayerDigest second = build(b, work.resolve("cache-b"), work.resolve("b.tar"));
        assertEquals(digest, first);
        assertEquals(first, second);
    }

    /** The lock's packages copied into a flat mirror at {@code dir}, with these mtimes and modes; its lock. */
    private static DebianLock copies(Path dir, Instant mtime, String perms) throws IOException {
        for (FetchedPackage p : fetched) {
            Path copy = dir.resolve(p.locked().filename());
            Files.createDirectories(copy.getParent());
            Files.copy(p.file(), copy);
            Files.setLastModifiedTime(copy, FileTime.from(mtime));
            Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString(perms));
        }
        return new DebianLock(FAMILY, DebianSource.flat(dir.toString(), "amd64"), lock.packages());
    }

    @Test
    void missingPackageIsRefusedNamingItAndTheFamily() throws IOException {
        Resolution r = new Resolver(PackageIndex.load(source, IndexCheck.unsigned())).resolve(FAMILY,
                List.of("python3-minimal", "nosuch"));
        assertEquals(List.of("family 'base-python': package 'nosuch' is not in the index (flat repository "
                + source.mirror() + ", amd64)"), r.problems().stream().map(PackageProblem::message).toList());
    }

    @Test
    void tamperedPackageIsRefusedAndNotCached() throws IOException {
        Path evil = Files.createDirectories(work.resolve("evil"));
        for (FetchedPackage p : fetched) {
            Files.copy(p.file(), evil.resolve(p.locked().filename()));
        }
        LockedPackage target = lock.packages().stream().filter(p -> p.name().equals("python3-minimal")).findFirst()
                .orElseThrow();
        Path deb = evil.resolve(target.filename());
        byte[] bytes = Files.readAllBytes(deb);
        bytes[bytes.length / 2] ^= 1;
        Files.write(deb, bytes);
        DebianLock fromEvil = new DebianLock(FAMILY, DebianSource.flat(evil.toString(), "amd64"), lock.packages());
        Path cache = work.resolve("evil-cache");
        PackageFetcher fetcher = new PackageFetcher(cache);
        PackageProblems e = assertThrows(PackageProblems.class, () -> fetcher.fetch(fromEvil));
        assertEquals(1, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().startsWith("family 'base-python': package 'python3-minimal' "), e.getMessage());
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
        // a file: mirror is read where it is: nothing is copied into the cache, the damaged file least of all
        assertFalse(Files.exists(cache), "nothing cached from a file: mirror");
        // unpacked while fetched: the damaged file is refused as such, whatever its unpacking made of it
        PackageProblems unpacked = assertThrows(PackageProblems.class,
                () -> new DebLayer().addPackages(new PackageFetcher(cache), fromEvil));
        assertEquals(e.getMessage(), unpacked.getMessage());
    }

    @Test
    void archiveLayoutOverLoopbackHttpGivesTheSameLockAndFiles() throws IOException, InterruptedException {
        Path mirror = Files.createDirectories(work.resolve("http-mirror"));
        Path dists = Files.createDirectories(mirror.resolve("dists/bookworm/main/binary-amd64"));
        Files.copy(repo.resolve("Packages"), dists.resolve("Packages"));
        LocalDebianRepository.run(dists, "xz", "-k", "Packages");
        Files.delete(dists.resolve("Packages"));
        for (FetchedPackage p : fetched) {
            Files.copy(p.file(), mirror.resolve(p.locked().filename()));
        }
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/debian/", exchange -> {
            Path file = mirror.resolve(exchange.getRequestURI().getPath().substring("/debian/".length())).normalize();
            if (!file.startsWith(mirror) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, Files.size(file));
                try (OutputStream out = exchange.getResponseBody(); InputStream in = Files.newInputStream(file)) {
                    in.transferTo(out);
                }
            }
            exchange.close();
        });
        server.start();
        try {
            DebianSource http = DebianSource.archive("http://127.0.0.1:" + server.getAddress().getPort() + "/debian",
                    "bookworm", List.of("main"), "amd64");
            DebianLock overHttp = new Resolver(PackageIndex.load(http, IndexCheck.unsigned()))
                    .resolve(FAMILY, REQUESTED).toLock();
            assertEquals(lock.packages(), overHttp.packages());
            Path cache = work.resolve("http-cache");
            assertEquals(digest, build(overHttp, cache, work.resolve("http.tar")));
            PackageFetcher fetcher = new PackageFetcher(cache);
            for (LockedPackage p : overHttp.packages()) {
                assertEquals(p.sha256(), LocalDebianRepository.sha256(fetcher.cachePath(p.sha256())),
                        "fetched over HTTP, kept: " + p);
            }
            // a cached copy that went bad is fetched again rather than used
            Path cached = fetcher.cachePath(overHttp.packages().get(0).sha256());
            Files.write(cached, new byte[]{1, 2, 3});
            assertEquals(digest, build(overHttp, cache, work.resolve("http-again.tar")));
            assertEquals(overHttp.packages().get(0).sha256(), LocalDebianRepository.sha256(cached));
            // a damaged download is refused, and not kept
            LockedPackage damaged = overHttp.packages().get(0);
            byte[] bytes = Files.readAllBytes(mirror.resolve(damaged.filename()));
            bytes[bytes.length / 2] ^= 1;
            Files.write(mirror.resolve(damaged.filename()), bytes);
            Files.delete(cached);
            PackageProblems refused = assertThrows(PackageProblems.class,
                    () -> new DebLayer().addPackages(fetcher, overHttp));
            assertTrue(refused.getMessage().contains("SHA-256") && refused.getMessage().contains("not kept"),
                    refused.getMessage());
            assertFalse(Files.exists(cached));
        } finally {
            server.stop(0);
        }
    }
}
