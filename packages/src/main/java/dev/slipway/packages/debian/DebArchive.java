package dev.slipway.packages.debian;

import dev.slipway.packages.layer.ContentSpool;
import dev.slipway.packages.layer.LayerContent;
import dev.slipway.packages.layer.LayerEntry;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.apache.commons.io.input.BoundedInputStream;
import org.tukaani.xz.BasicArrayCache;
import org.tukaani.xz.SingleXZInputStream;

/**
 * The two parts of a .deb that matter here: the files of data.tar.* (their bytes streamed into a spool, or, when
 * data.tar is stored uncompressed in a file on disk, referenced where they are in it) and the control stanza.
 */
record DebArchive(String control, List<LayerEntry> files, Optional<ContentSpool> inPlace) {

    DebArchive {
        files = List.copyOf(files);
        Objects.requireNonNull(inPlace, "inPlace");
    }

    /**
     * Opens the .deb being read as a spool to reference its stored files in ({@link ContentSpool#inPlace}); asked
     * only when its data.tar is uncompressed.
     */
    @FunctionalInterface
    interface InPlace {
        ContentSpool open() throws IOException;
    }

    /**
     * Reads the .deb {@code deb} (named {@code name} in errors) as far as its data.tar; does not close it. File
     * contents go to {@code spool}, or, with {@code inPlace} (null: none) and an uncompressed data.tar, stay where
     * they are in the .deb; they are read through either way, so whoever hashes {@code deb} sees every byte.
     */
    static DebArchive read(InputStream deb, String name, ContentSpool spool, InPlace inPlace) throws IOException {
        String control = null;
        List<LayerEntry> files = null;
        ContentSpool in = null;
        Positioned positioned = new Positioned(deb);
        // not closed: that would close deb
        ArArchiveInputStream ar = new ArArchiveInputStream(positioned);
        ArArchiveEntry member;
        while ((control == null || files == null) && (member = ar.getNextEntry()) != null) {
            String memberName = member.getName();
            if (memberName.startsWith("control.tar")) {
                control = readControl(decompress(memberName, ar));
            } else if (memberName.startsWith("data.tar")) {
                // stored: every byte tar hands out is at the position the .deb is read at
                if (inPlace != null && memberName.equals("data.tar")) {
                    in = inPlace.open();
                }
                Contents contents = new Contents(spool, in, positioned);
                files = readData(decompress(memberName, ar), contents);
            }
        }
        if (control == null || files == null) {
            throw new IOException(name + " is not a Debian binary package (no control.tar or data.tar member)");
        }
        return new DebArchive(control, files, Optional.ofNullable(in));
    }

    /** A buffered stream over the .deb that knows the position in it of the next byte it hands out. */
    private static final class Positioned extends BufferedInputStream {
        private final BoundedInputStream below;

        Positioned(InputStream deb) throws IOException {
            this(BoundedInputStream.builder().setInputStream(deb).get());
        }

        private Positioned(BoundedInputStream below) {
            super(below, 1 << 16);
            this.below = below;
        }

        /** What was read (or skipped) from the .deb, less what is buffered and not yet handed out. */
        synchronized long position() {
            return below.getCount() - (count - pos);
        }
    }

    /** Where a file's bytes are kept: a slice of the .deb read in place (when {@code deb} is set), else the spool. */
    private record Contents(ContentSpool spool, ContentSpool deb, Positioned position) {
        LayerContent take(TarArchiveEntry e, InputStream tar) throws IOException {
            if (deb == null || e.isSparse()) {
                return spool.append(tar);
            }
            LayerContent content = deb.slice(position.position(), e.getSize());
            // read through all the same, for whoever hashes the .deb
            long read = tar.transferTo(OutputStream.nullOutputStream());
            if (read != e.getSize()) {
                throw new IOException("data.tar entry " + e.getName() + " has " + read + " bytes, not " + e.getSize());
            }
            return content;
        }
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

    private static List<LayerEntry> readData(InputStream in, Contents contents) throws IOException {
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
                            e.getGroupName(), null, contents.take(e, tar));
                } else {
                    throw new IOException("unsupported entry type in data.tar: " + e.getName());
                }
                files.add(entry);
            }
        }
        return files;
    }
}
