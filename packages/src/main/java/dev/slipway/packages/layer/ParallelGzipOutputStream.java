package dev.slipway.packages.layer;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Gzip on every core, the way pigz does it: the input is cut into fixed {@value #BLOCK_SIZE}-byte blocks, each
 * deflated on its own thread with the previous block's last 32 KiB as its dictionary, ended with a sync flush (the
 * last one with a final block), and the pieces written in order as one gzip member. Block boundaries depend only on
 * the byte count, so the output is the same for any number of threads. The CRC-32 and both SHA-256s are taken on
 * the writing thread as the bytes pass. At most {@code 2 × threads} blocks are in flight, so memory stays bounded
 * whatever the layer size.
 *
 * <p>An input of one block or less comes out byte for byte as {@link java.util.zip.GZIPOutputStream} writes it
 * (same header, level 6, one final deflate), so small layers keep the digests they had before.
 */
public final class ParallelGzipOutputStream extends LayerCompressionStream {

    /** Fixed, never derived from the machine: it decides where the blocks split and so the bytes. */
    public static final int BLOCK_SIZE = 1 << 20;
    private static final int DICTIONARY_SIZE = 32 * 1024;
    /** What {@code GZIPOutputStream} writes on Java 17: no name, no mtime, OS "unknown". */
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    private static final int LEVEL = 6;

    private static final class SharedPool {
        static final int THREADS = Runtime.getRuntime().availableProcessors();
        static final ExecutorService POOL = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "slipway-gzip-" + SharedPool.NEXT.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        static final AtomicInteger NEXT = new AtomicInteger();
    }

    /** One per deflating thread, reset for each block: zlib's state is allocated once, not per block. */
    private static final ThreadLocal<Deflater> DEFLATER = ThreadLocal.withInitial(() -> new Deflater(LEVEL, true));

    private final ExecutorService deflaters;
    private final int window;
    private final Deque<InFlight> inFlight = new ArrayDeque<>();
    /** Input and output buffers of blocks already written, reused so a layer of any size allocates about a window. */
    private final Deque<byte[]> freeBlocks = new ArrayDeque<>();
    private final Deque<byte[]> freeOutputs = new ArrayDeque<>();
    private final CRC32 crc = new CRC32();
    private long size;
    private byte[] filling = new byte[BLOCK_SIZE];
    private int filled;
    /** The last 32 KiB of the block handed out last: the next block's dictionary. */
    private byte[] dictionary;
    private boolean headerWritten;

    /** Deflates on a pool shared by every layer of the process, one thread per core. */
    public ParallelGzipOutputStream(OutputStream sink) {
        this(sink, SharedPool.POOL, SharedPool.THREADS);
    }

    /** Deflates on {@code deflaters}, keeping at most {@code 2 × threads} blocks in flight. */
    public ParallelGzipOutputStream(OutputStream sink, ExecutorService deflaters, int threads) {
        super(LayerCompression.GZIP, sink);
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        this.deflaters = deflaters;
        this.window = 2 * threads;
    }

    @Override
    protected void compress(byte[] b, int off, int len) throws IOException {
        crc.update(b, off, len);
        size += len;
        while (len > 0) {
            if (filled == BLOCK_SIZE) {
                // a full block goes out only once more input shows it is not the last one
                submit(false);
            }
            int n = Math.min(len, BLOCK_SIZE - filled);
            System.arraycopy(b, off, filling, filled, n);
            filled += n;
            off += n;
            len -= n;
        }
    }

    @Override
    protected void finishCompression() throws IOException {
        try {
            submit(true);
            while (!inFlight.isEmpty()) {
                writeOut(inFlight.removeFirst());
            }
            long value = crc.getValue();
            byte[] trailer = new byte[8];
            for (int i = 0; i < 4; i++) {
                trailer[i] = (byte) (value >>> (8 * i));
                trailer[4 + i] = (byte) (size >>> (8 * i));
            }
            compressed.write(trailer, 0, trailer.length);
        } finally {
            inFlight.forEach(f -> f.deflated.cancel(true));
            inFlight.clear();
        }
    }

    private void submit(boolean last) throws IOException {
        byte[] block = filling;
        int length = filled;
        byte[] primer = dictionary;
        byte[] output = freeOutputs.isEmpty() ? new byte[BLOCK_SIZE + (BLOCK_SIZE >> 6) + 64] : freeOutputs.pop();
        inFlight.addLast(new InFlight(deflaters.submit(() -> deflate(block, length, primer, last, output)), block));
        // copied now, so the block can be reused as soon as it is written out
        dictionary = last ? null : Arrays.copyOfRange(block, BLOCK_SIZE - DICTIONARY_SIZE, BLOCK_SIZE);
        filling = last ? null : freeBlocks.isEmpty() ? new byte[BLOCK_SIZE] : freeBlocks.pop();
        filled = 0;
        while (inFlight.size() > window || (!inFlight.isEmpty() && inFlight.peekFirst().deflated.isDone())) {
            writeOut(inFlight.removeFirst());
        }
    }

    /** A block being deflated, and its input buffer (free again once the block is written). */
    private record InFlight(Future<Deflated> deflated, byte[] input) {
    }

    private void writeOut(InFlight block) throws IOException {
        Deflated deflated;
        try {
            deflated = block.deflated.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while compressing a layer");
        } catch (ExecutionException e) {
            throw new IOException("compressing a layer failed: " + e.getCause(), e.getCause());
        }
        if (!headerWritten) {
            compressed.write(HEADER, 0, HEADER.length);
            headerWritten = true;
        }
        compressed.write(deflated.bytes, 0, deflated.length);
        freeBlocks.push(block.input);
        freeOutputs.push(deflated.bytes);
    }

    private record Deflated(byte[] bytes, int length) {
    }

    /** One block as raw deflate: primed with the previous block's tail, sync-flushed unless it is the last. */
    private static Deflated deflate(byte[] block, int length, byte[] primer, boolean last, byte[] output) {
        Deflater deflater = DEFLATER.get();
        deflater.reset();
        if (primer != null) {
            deflater.setDictionary(primer);
        }
        deflater.setInput(block, 0, length);
        if (last) {
            deflater.finish();
        }
        byte[] out = output;
        int n = 0;
        while (true) {
            if (n == out.length) {
                out = Arrays.copyOf(out, out.length * 2);
            }
            int room = out.length - n;
            int written = last ? deflater.deflate(out, n, room) : deflater.deflate(out, n, room, Deflater.SYNC_FLUSH);
            n += written;
            // a sync flush is complete when it leaves room in the buffer; the last block when the deflater says so
            if (last ? deflater.finished() : written < room) {
                return new Deflated(out, n);
            }
        }
    }
}
