package dev.slipway.packages.layer;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An output stream that compresses a layer tar into {@code sink} and hashes both sides as the bytes go by, so the
 * blob's digest and its diff ID cost no second read. {@link #result()} is known once the stream is closed.
 */
public abstract class LayerCompressionStream extends OutputStream {

    private final LayerCompression compression;
    private final MessageDigest uncompressedSha = sha256();
    private long uncompressedSize;
    /** What the compressor writes to: hashes and counts, then passes to the sink. */
    protected final HashingSink compressed;
    private CompressedLayer result;

    protected LayerCompressionStream(LayerCompression compression, OutputStream sink) {
        this.compression = compression;
        this.compressed = new HashingSink(sink);
    }

    @Override
    public final void write(int b) throws IOException {
        write(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public final void write(byte[] b, int off, int len) throws IOException {
        if (result != null) {
            throw new IOException("layer stream already closed");
        }
        uncompressedSha.update(b, off, len);
        uncompressedSize += len;
        compress(b, off, len);
    }

    /** Compresses these bytes (already hashed) towards {@link #compressed}. */
    protected abstract void compress(byte[] b, int off, int len) throws IOException;

    /** Writes what is left and the format's trailer to {@link #compressed}; the sink is closed afterwards. */
    protected abstract void finishCompression() throws IOException;

    /** Finishes the compressed stream and closes the sink. */
    @Override
    public final void close() throws IOException {
        if (result != null) {
            return;
        }
        try {
            finishCompression();
            compressed.flush();
        } finally {
            compressed.sink.close();
        }
        result = new CompressedLayer(compression, compressed.count, HexFormat.of().formatHex(compressed.sha.digest()),
                new LayerDigest(uncompressedSize, HexFormat.of().formatHex(uncompressedSha.digest())));
    }

    /** Sizes and digests of what was written; only after {@link #close()}. */
    public CompressedLayer result() {
        if (result == null) {
            throw new IllegalStateException("the layer stream is still open");
        }
        return result;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Hashes and counts the compressed bytes on their way to the sink. */
    protected static final class HashingSink extends OutputStream {
        private final OutputStream sink;
        private final MessageDigest sha = sha256();
        private long count;

        HashingSink(OutputStream sink) {
            this.sink = sink;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            sha.update(b, off, len);
            count += len;
            sink.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            sink.flush();
        }

        /** The compressor's close must not close the sink before the digests are taken; {@link #close()} does. */
        @Override
        public void close() throws IOException {
            sink.flush();
        }
    }
}
