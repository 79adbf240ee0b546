package dev.slipway.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * The smallest runnable image root Slipway tests build on: Debian's static busybox (with a symlink per applet:
 * sh, id, cat, wget, httpd, nc, ps, sleep, ...), Debian's static tini as {@code /usr/bin/tini}, root and
 * {@code appuser} (10001:10001) in /etc/passwd and /etc/group, and a sticky world-writable /tmp. No libc is
 * needed, since both binaries are static.
 */
public final class BusyboxTiniRootfs {

    public static final String APP_USER = "appuser";
    public static final int APP_UID = 10001;
    public static final int APP_GID = 10001;
    public static final String TINI = "/usr/bin/tini";
    public static final String BUSYBOX = "/bin/busybox";

    /** Fixed entry time so the same packages always give a byte-identical tar (the epoch + 1 s, as Jib does). */
    private static final Instant ENTRY_TIME = Instant.ofEpochSecond(1);
    private static final String APP_HOME = "home/" + APP_USER;

    private final Path dir;

    private BusyboxTiniRootfs(Path dir) {
        this.dir = dir;
    }

    /** Builds the rootfs in {@code dir} (absent or empty) from packages in the default cache. */
    public static BusyboxTiniRootfs create(Path dir) {
        return create(dir, DebianPackages.inDefaultCache());
    }

    public static BusyboxTiniRootfs create(Path dir, DebianPackages packages) {
        Path root = dir.toAbsolutePath().normalize();
        requireAbsentOrEmpty(root);
        ScratchDirectory unpacked = ScratchDirectory.createTemporary("slipway-rootfs-debs-");
        try {
            packages.extract("busybox-static", unpacked.path());
            packages.extract("tini", unpacked.path());
            for (String folder : List.of("bin", "usr/bin", "etc", "tmp", "root", APP_HOME)) {
                Files.createDirectories(root.resolve(folder));
            }
            Path busybox = root.resolve(BUSYBOX.substring(1));
            Files.copy(unpacked.path().resolve("bin/busybox"), busybox, StandardCopyOption.COPY_ATTRIBUTES);
            Files.copy(unpacked.path().resolve("usr/bin/tini-static"), root.resolve(TINI.substring(1)),
                    StandardCopyOption.COPY_ATTRIBUTES);
            linkApplets(root, busybox);
            Files.writeString(root.resolve("etc/passwd"),
                    "root:x:0:0:root:/root:/bin/sh\n"
                            + APP_USER + ":x:" + APP_UID + ":" + APP_GID + ":" + APP_USER + ":/" + APP_HOME
                            + ":/bin/sh\n");
            Files.writeString(root.resolve("etc/group"), "root:x:0:\n" + APP_USER + ":x:" + APP_GID + ":\n");
            // Java cannot set the sticky bit; chmod can
            CommandLine.of("chmod", "1777", root.resolve("tmp").toString())
                    .run(Duration.ofSeconds(10)).requireSuccess();
            return new BusyboxTiniRootfs(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the busybox/tini rootfs in " + root, e);
        } finally {
            unpacked.delete();
        }
    }

    /** One relative symlink per applet, where busybox itself would install it (sh in /bin, wget in /usr/bin, ...). */
    private static void linkApplets(Path root, Path busybox) throws IOException {
        String listing = CommandLine.of(busybox.toString(), "--list-full")
                .run(Duration.ofSeconds(10)).requireSuccess().stdout();
        for (String applet : listing.lines().map(String::strip).filter(line -> !line.isEmpty()).toList()) {
            Path link = root.resolve(applet).normalize();
            if (!link.startsWith(root) || Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                continue; // never replace busybox or tini themselves
            }
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, link.getParent().relativize(busybox));
        }
    }

    public Path dir() {
        return dir;
    }

    /**
     * Writes the rootfs as an uncompressed tar for {@code docker import} or a layer: entries sorted, fixed times,
     * owned by root except appuser's home directory, so equal inputs give equal bytes.
     */
    public Path writeTar(Path tarFile) {
        try (OutputStream out = Files.newOutputStream(tarFile);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
                Stream<Path> walk = Files.walk(dir)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Path path : walk.filter(path -> !path.equals(dir)).sorted().toList()) {
                writeEntry(tar, path);
            }
            tar.finish();
            return tarFile;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + tarFile, e);
        }
    }

    private void writeEntry(TarArchiveOutputStream tar, Path path) throws IOException {
        String name = dir.relativize(path).toString();
        boolean appOwned = name.equals(APP_HOME) || name.startsWith(APP_HOME + "/");
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
        TarArchiveEntry entry;
        boolean regularFile = false;
        if (Files.isSymbolicLink(path)) {
            entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
            entry.setLinkName(Files.readSymbolicLink(path).toString());
            mode = 0777;
        } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            entry = new TarArchiveEntry(name + "/");
        } else {
            entry = new TarArchiveEntry(name);
            entry.setSize(Files.size(path));
            regularFile = true;
        }
        entry.setMode(entry.getMode() & ~07777 | mode);
        entry.setModTime(Date.from(ENTRY_TIME));
        entry.setUserId(appOwned ? APP_UID : 0);
        entry.setGroupId(appOwned ? APP_GID : 0);
        entry.setUserName(appOwned ? APP_USER : "root");
        entry.setGroupName(appOwned ? APP_USER : "root");
        tar.putArchiveEntry(entry);
        if (regularFile) {
            Files.copy(path, tar);
        }
        tar.closeArchiveEntry();
    }

    private static void requireAbsentOrEmpty(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> children = Files.list(root)) {
            if (children.findAny().isPresent()) {
                throw new IllegalArgumentException(root + " is not empty; a rootfs is built into a fresh directory");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + root, e);
        }
    }
}
