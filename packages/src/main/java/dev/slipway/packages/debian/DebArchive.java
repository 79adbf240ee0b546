package dev.slipway.packages.debian;

import dev.slipway.packages.layer.ContentSpool;
import dev.slipway.packages.layer.LayerEntry;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.tukaani.xz.BasicArrayCache;
import org.tukaani.xz.SingleXZInputStream;

/**
 * The two parts of a .deb that matter here: the files of data.tar.* (their bytes streamed into a spool) and the
 * control stanza.
 */
record DebArchive(String control, List<LayerEntry> files) {

    DebArchive {
        files = List.copyOf(files);
    }

    static DebArchive read(Path deb, ContentSpool spool) throws IOException {
        try (InputStream in = Files.newInputStream(deb)) {
            return read(in, deb.toString(), spool);
        }
    }

    /** Reads the .deb {@code deb} (named {@code name} in errors) as far as its data.tar; does not close it. */
    static DebArchive read(InputStream deb, String name, ContentSpool spool) throws IOException {
        String control = null;
        List<LayerEntry> files = null;
        // not closed: that would close deb
        ArArchiveInputStream ar = new ArArchiveInputStream(new BufferedInputStream(deb));
        ArArchiveEntry member;
        while ((control == null || files == null) && (member = ar.getNextEntry()) != null) {
            String memberName = member.getName();
            if (memberName.startsWith("control.tar")) {
                control = readControl(decompress(memberName, ar));
            } else if (memberName.startsWith("data.tar")) {
                files = readData(decompress(memberName, ar), spool);
            }
        }
        if (control == null || files == null) {
            throw new IOException(name + " is not a Debian binary package (no control.tar or data.tar member)");
        }
        return new DebArchive(control, files);
    }

    /** Wraps the member stream; closing the result does not close the ar stream. */
    private static InputStream decompress(String member, InputStream ar) throws IOException {
        InputStream in = new java.io.FilterInputStream(ar) {
            @Override
            public void close() {
                // the ar stream owns the bytes; the next member follows
            }
        };
        if (member.endsWith(".xz")) {
            // every member asks for its whole dictionary (8 MiB at dpkg's default): reuse them rather than allocate anew
            return new SingleXZInputStream(in, BasicArrayCache.getInstance());
        } else if (member.endsWith(".gz")) {
            return new GzipCompressorInputStream(in);
        } else if (member.endsWith(".zst")) {
            return new ZstdCompressorInputStream(in);
        } else if (member.endsWith(".bz2")) {
            return new BZip2CompressorInputStream(in);
        } else if (member.equals("data.tar") || member.equals("control.tar")) {
            return in;
        }
        throw new IOException("unsupported .deb member compression: " + member);
    }

    private static String readControl(InputStream in) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (LayerEntry.normalise(e.getName()).equals("control")) {
                    return new String(tar.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        throw new IOException("control.tar has no control file");
    }

    private static List<LayerEntry> readData(InputStream in, ContentSpool spool) throws IOException {
        List<LayerEntry> files = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                String path = LayerEntry.normalise(e.getName());
                if (path.isEmpty()) {
                    continue; // the "./" root entry
                }
                int mode = e.getMode() & 07777;
                int uid = (int) e.getLongUserId();
                int gid = (int) e.getLongGroupId();
                LayerEntry entry;
                if (e.isDirectory()) {
                    entry = new LayerEntry(path, LayerEntry.Kind.DIRECTORY, mode, uid, gid, e.getUserName(),
                            e.getGroupName(), null, null);
                } else if (e.isSymbolicLink()) {
                    entry = new LayerEntry(path, LayerEntry.Kind.SYMLINK, 0777, uid, gid, e.getUserName(),
                            e.getGroupName(), e.getLinkName(), null);
                } else if (e.isLink()) {
                    entry = new LayerEntry(path, LayerEntry.Kind.HARDLINK, mode, uid, gid, e.getUserName(),
                            e.getGroupName(), e.getLinkName(), null);
                } else if (e.isFile()) {
                    entry = new LayerEntry(path, LayerEntry.Kind.FILE, mode, uid, gid, e.getUserName(),
                            e.getGroupName(), null, spool.append(tar));
                } else {
                    throw new IOException("unsupported entry type in data.tar: " + e.getName());
                }
                files.add(entry);
            }
        }
        return files;
    }
}
