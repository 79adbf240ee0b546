package dev.slipway.packages.layer;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A zstd-compressed layer (level {@value #LEVEL}) on zstd's own worker threads. zstd's multi-threaded mode cuts the
 * input into jobs by size, not by worker, so its output is the same for any number of workers from 1 up (0, the
 * single-threaded mode, is never used: its bytes differ).
 */
public final class ZstdLayerOutputStream extends LayerCompressionStream {

    static final int LEVEL = 3;
    private final ZstdOutputStreamNoFinalizer zstd;

    /** One worker per core. */
    public ZstdLayerOutputStream(OutputStream sink) throws IOException {
        this(sink, Runtime.getRuntime().availableProcessors());
    }

    public ZstdLayerOutputStream(OutputStream sink, int workers) throws IOException {
        super(LayerCompression.ZSTD, sink);
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, was " + workers);
        }
        zstd = new ZstdOutputStreamNoFinalizer(compressed, LEVEL);
        zstd.setWorkers(workers);
        zstd.setChecksum(false);
    }

    @Override
    protected void compress(byte[] b, int off, int len) throws IOException {
        zstd.write(b, off, len);
    }

    @Override
    protected void finishCompression() throws IOException {
        zstd.close();
    }
}
