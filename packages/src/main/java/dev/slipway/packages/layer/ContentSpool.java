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

/**
 * A temporary file that unpacked file contents are streamed into once and read back from when the layer tar is
 * written, so a layer's bytes never sit in memory whatever the size of its packages. The file is opened with
 * {@code DELETE_ON_CLOSE} (on Linux it is unlinked at once), so nothing is left behind even if a build dies.
 */
public final class ContentSpool implements Closeable {

    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
    private long end;

    private ContentSpool(FileChannel channel) {
        this.channel = channel;
    }

    /** A new, empty spool in {@code directory}. */
    public static ContentSpool create(Path directory) throws IOException {
        Files.createDirectories(directory);
        Path file = Files.createTempFile(directory, "slipway-spool", ".tmp");
        try {
            return new ContentSpool(FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.DELETE_ON_CLOSE));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** Copies {@code in} to its end into the spool and returns those bytes as file content. */
    public synchronized LayerContent append(InputStream in) throws IOException {
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
