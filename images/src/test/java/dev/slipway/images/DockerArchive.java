package dev.slipway.images;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Date;
import java.util.HexFormat;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Wraps one uncompressed layer tar (a rootfs) into a one-layer image tarball in {@code docker save} format. */
final class DockerArchive {
    private DockerArchive() {
    }

    static Path wrap(Path layerTar, Path archive, String repoTag) throws IOException {
        String diffId = "sha256:" + sha256(layerTar);
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"1970-01-01T00:00:00Z\","
                + "\"config\":{\"Env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"]},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + diffId + "\"]}}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] manifest = ("[{\"Config\":\"config.json\",\"RepoTags\":[\"" + repoTag + "\"],"
                + "\"Layers\":[\"layer.tar\"]}]").getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(archive);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            add(tar, "manifest.json", manifest);
            add(tar, "config.json", config);
            TarArchiveEntry layer = new TarArchiveEntry("layer.tar");
            layer.setSize(Files.size(layerTar));
            layer.setModTime(new Date(1000));
            tar.putArchiveEntry(layer);
            Files.copy(layerTar, tar);
            tar.closeArchiveEntry();
        }
        return archive;
    }

    private static void add(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(content.length);
        entry.setModTime(new Date(1000));
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            MessageDigest digest = ((DigestInputStream) in).getMessageDigest();
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
