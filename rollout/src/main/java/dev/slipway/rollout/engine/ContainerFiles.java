package dev.slipway.rollout.engine;

import dev.slipway.model.Mount;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The tar Slipway writes into a created container (Engine API {@code PUT /containers/{id}/archive} at {@code /})
 * before it starts: each named volume's root given to the image user, so a fresh volume (root-owned when the image
 * has no such directory) is writable by uid 10001, and the secret files, owned by that user and readable by it only.
 */
final class ContainerFiles {
    static final int APP_UID = 10001;

    private ContainerFiles() {
    }

    static boolean needed(ContainerSpec spec) {
        return !spec.files().isEmpty() || spec.runtime().mounts().stream().anyMatch(m -> m instanceof Mount.Volume);
    }

    static byte[] tar(ContainerSpec spec, int uid, int gid) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Date now = new Date();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Mount mount : spec.runtime().mounts()) {
                if (mount instanceof Mount.Volume volume) {
                    directory(tar, volume.containerPath(), 0755, uid, gid, now);
                }
            }
            Map<String, byte[]> files = new TreeMap<>(spec.files());
            List<String> directories = new ArrayList<>();
            files.keySet().forEach(path -> {
                String parent = path.substring(0, path.lastIndexOf('/'));
                if (!parent.isEmpty() && !directories.contains(parent)) {
                    directories.add(parent);
                }
            });
            for (String directory : directories) {
                directory(tar, directory, 0500, uid, gid, now);
            }
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(relative(file.getKey()));
                entry.setSize(file.getValue().length);
                entry.setMode(0100400);
                entry.setIds(uid, gid);
                entry.setModTime(now);
                tar.putArchiveEntry(entry);
                tar.write(file.getValue());
                tar.closeArchiveEntry();
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a tar in memory", e);
        }
        return bytes.toByteArray();
    }

    private static void directory(TarArchiveOutputStream tar, String path, int mode, int uid, int gid, Date now)
            throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(relative(path) + "/", TarArchiveEntry.LF_DIR);
        entry.setMode(040000 | mode);
        entry.setIds(uid, gid);
        entry.setModTime(now);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }

    private static String relative(String absolute) {
        return absolute.startsWith("/") ? absolute.substring(1) : absolute;
    }
}
