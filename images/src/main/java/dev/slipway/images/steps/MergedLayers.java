package dev.slipway.images.steps;

import dev.slipway.packages.layer.LayerCompression;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/**
 * Whether a path is in the filesystem an image's layers make together, reading the layers from the top down: the
 * first layer that has the path decides, unless a layer above it removed the path with an OCI whiteout
 * ({@code .wh.NAME} of the path or of one of its folders, or an opaque {@code .wh..wh..opq} in one of its folders)
 * or put a non-directory where one of its folders was. Each layer is a tar stream, gzip- or zstd-compressed or not
 * (told by its first bytes), read once, as it arrives, and to its end.
 */
final class MergedLayers {
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";

    private MergedLayers() {
    }

    /** Opens one layer's bytes; the stream is read to its end (a digest check at the end runs) and closed. */
    interface Layer {
        InputStream open() throws IOException;
    }

    /** What one layer says about the path, for the layers below it. */
    enum Finding {
        /** The layer has the path, as a file or a link. */
        HAS_IT,
        /** The layer removes the path (or puts a directory there), so lower layers do not count. */
        HIDES_IT,
        /** The layer does not touch the path. */
        SILENT
    }

    /** Whether {@code path} (absolute or not) is a file or a link in the image made of {@code topDown}. */
    static boolean contains(String path, List<Layer> topDown) throws IOException {
        String target = normalize(path);
        for (Layer layer : topDown) {
            Finding finding;
            try (InputStream in = layer.open()) {
                finding = read(in, target);
            }
            if (finding != Finding.SILENT) {
                return finding == Finding.HAS_IT;
            }
        }
        return false;
    }

    /** What one layer (compressed or not) says about {@code target} (normalised); reads it to its end. */
    static Finding read(InputStream layer, String target) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(layer, 1 << 16);
        boolean has = false;
        boolean hides = false;
        TarArchiveInputStream tar = new TarArchiveInputStream(decompressed(buffered));
        for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null;) {
            String name = normalize(entry.getName());
            if (name.equals(target)) {
                has |= !entry.isDirectory();
                hides |= entry.isDirectory();
            } else if (hides(name, entry, target)) {
                hides = true;
            }
        }
        // the tar ends before the blob does (padding, the compressor's trailer): the rest is read for the digest
        buffered.transferTo(OutputStream.nullOutputStream());
        return has ? Finding.HAS_IT : hides ? Finding.HIDES_IT : Finding.SILENT;
    }

    /** Whether entry {@code name} of a layer removes {@code target} of the layers below. */
    private static boolean hides(String name, TarArchiveEntry entry, String target) {
        int slash = name.lastIndexOf('/');
        String folder = slash < 0 ? "" : name.substring(0, slash);
        String file = name.substring(slash + 1);
        if (file.equals(OPAQUE)) {
            return folder.isEmpty() || target.startsWith(folder + "/");
        }
        if (file.startsWith(WHITEOUT)) {
            String removed = (folder.isEmpty() ? "" : folder + "/") + file.substring(WHITEOUT.length());
            return target.equals(removed) || target.startsWith(removed + "/");
        }
        return !entry.isDirectory() && target.startsWith(name + "/");
    }

    private static InputStream decompressed(BufferedInputStream in) throws IOException {
        in.mark(4);
        Optional<LayerCompression> compression = LayerCompression.ofMagic(in.readNBytes(4));
        in.reset();
        if (compression.isEmpty()) {
            return in;
        }
        return compression.get() == LayerCompression.GZIP
                ? new GzipCompressorInputStream(in, true)
                : new ZstdCompressorInputStream(in);
    }

    /** A tar name as a path below the root: no leading {@code ./} or {@code /}, no trailing {@code /}. */
    static String normalize(String name) {
        String path = name;
        while (path.startsWith("./") || path.startsWith("/")) {
            path = path.substring(path.startsWith("/") ? 1 : 2);
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path.equals(".") ? "" : path;
    }
}
