package dev.slipway.packages.layer;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Where a layer's file contents are kept until its tar is written, so its bytes never sit in memory whatever the
 * size of its packages: a temporary file that unpacked contents are streamed into once and read back from, opened
 * with {@code DELETE_ON_CLOSE} (on Linux it is unlinked at once, so nothing is left behind even if a build dies);
 * or, for contents stored uncompressed in a file already on disk, that file itself ({@link #inPlace}), so they are
 * not copied at all.
 */
public final class ContentSpool implements Closeable {

    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
    private long end;
    /** The file read in place and its stamp from before it was first read; null for a temporary spool. */
    private final Path file;
    private final FileStamp stamp;

    private ContentSpool(FileChannel channel, Path file, FileStamp stamp) {
        this.channel = channel;
        this.file = file;
        this.stamp = stamp;
    }

    /** A new, empty spool in {@code directory}. */
    public static ContentSpool create(Path directory) throws IOException {
        Files.createDirectories(directory);
        Path file = Files.createTempFile(directory, "slipway-spool", ".tmp");
        try {
            return new ContentSpool(FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.DELETE_ON_CLOSE), null, null);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /**
     * {@code file} read where it is: contents it stores uncompressed are {@link #slice}s of it. {@code stamp} must be
     * the file's from before anything of it was read (and checked); {@link #checkUnchanged} tells whether it still
     * is, so bytes read from it later are the ones that were checked.
     */
    public static ContentSpool inPlace(Path file, FileStamp stamp) throws IOException {
        return new ContentSpool(FileChannel.open(file, StandardOpenOption.READ), file, stamp);
    }

    /** The {@code size} bytes at {@code offset} of a file read {@link #inPlace}, as file content. */
    public LayerContent slice(long offset, long size) {
        if (file == null) {
            throw new IllegalStateException("a temporary spool is appended to, not sliced");
        }
        return LayerContent.spooled(this, offset, size);
    }

    /**
     * For a file read {@link #inPlace}: fails, naming it, unless it is still the file of the stamp it was opened
     * with, unchanged. Call it after the last read of its contents.
     */
    public void checkUnchanged() throws IOException {
        if (file != null && !FileStamp.of(file).equals(Optional.of(stamp))) {
            throw new IOException(file + " changed while its contents were read into the layer; it was verified "
                    + "before that, so build again");
        }
    }

    /** Copies {@code in} to its end into the spool and returns those bytes as file content. */
    public synchronized LayerContent append(InputStream in) throws IOException {
        if (file != null) {
            throw new IllegalStateException(file + " is read in place, not appended to");
        }
        long start = end;
        byte[] bytes = buffer.array();
        for (int n; (n = in.read(bytes)) != -1;) {
            buffer.clear().limit(n);
            while (buffer.hasRemaining()) {
                end += channel.write(buffer, end);
            }
        }
        return LayerContent.spooled(this, start, end - start);
    }

    /** Writes {@code size} bytes from {@code offset} to {@code out}. */
    synchronized void copy(long offset, long size, OutputStream out) throws IOException {
        byte[] bytes = buffer.array();
        for (long done = 0; done < size;) {
            buffer.clear().limit((int) Math.min(bytes.length, size - done));
            int n = channel.read(buffer, offset + done);
            if (n < 0) {
                throw new EOFException("spool ends at " + (offset + done) + ", expected " + (offset + size));
            }
            out.write(bytes, 0, n);
            done += n;
        }
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }
}
