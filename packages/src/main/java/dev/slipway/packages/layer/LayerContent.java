package dev.slipway.packages.layer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * The bytes of a regular file in a layer: small generated files in memory, unpacked package contents as a slice
 * of a {@link ContentSpool}, so that building a layer keeps only paths and metadata on the heap.
 */
public final class LayerContent {

    public static final LayerContent EMPTY = new LayerContent(new byte[0], null, 0, 0);

    private final byte[] bytes;
    private final ContentSpool spool;
    private final long offset;
    private final long size;

    private LayerContent(byte[] bytes, ContentSpool spool, long offset, long size) {
        this.bytes = bytes;
        this.spool = spool;
        this.offset = offset;
        this.size = size;
    }

    /** Content held in memory (a copy of {@code bytes}). */
    public static LayerContent of(byte[] bytes) {
        return new LayerContent(bytes.clone(), null, 0, bytes.length);
    }

    static LayerContent spooled(ContentSpool spool, long offset, long size) {
        return new LayerContent(null, Objects.requireNonNull(spool, "spool"), offset, size);
    }

    public long size() {
        return size;
    }

    /** Writes the bytes to {@code out} without loading them all at once. */
    public void writeTo(OutputStream out) throws IOException {
        if (bytes != null) {
            out.write(bytes);
        } else {
            spool.copy(offset, size, out);
        }
    }

    /** All the bytes in memory; for the small files a layer generates from others (CA bundle, dpkg status). */
    public byte[] bytes() {
        if (bytes != null) {
            return bytes.clone();
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException(size + " bytes do not fit in an array");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) size);
        try {
            spool.copy(offset, size, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Equal bytes, wherever they are kept. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof LayerContent c) || size != c.size) {
            return false;
        }
        if (spool != null && spool == c.spool && offset == c.offset) {
            return true;
        }
        return Arrays.equals(bytes(), c.bytes());
    }

    @Override
    public int hashCode() {
        return Long.hashCode(size);
    }
}
