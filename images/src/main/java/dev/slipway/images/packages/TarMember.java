package dev.slipway.images.packages;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Reads one small file out of a tar stream, passing over every other entry (layers included) with one buffer. */
final class TarMember {
    private TarMember() {
    }

    /** The first regular file named {@code name} ({@code ./} ignored) smaller than {@code maxSize}; closes {@code in}. */
    static Optional<byte[]> read(InputStream in, String name, long maxSize) throws IOException {
        byte[] pass = new byte[1 << 16];
        try (TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null;) {
                if (e.isFile() && e.getSize() < maxSize && clean(e.getName()).equals(name)) {
                    return Optional.of(tar.readAllBytes());
                }
                // read here rather than let getNextEntry skip: its skip allocates a fresh buffer for each read
                while (tar.read(pass) != -1) {
                    // passing over
                }
            }
        }
        return Optional.empty();
    }

    static String clean(String name) {
        return name.startsWith("./") ? name.substring(2) : name;
    }
}
