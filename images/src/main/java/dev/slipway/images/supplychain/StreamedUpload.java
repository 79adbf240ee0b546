package dev.slipway.images.supplychain;

import com.google.cloud.tools.jib.api.ImageReference;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.http.Header;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpPatch;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.util.EntityUtils;

/**
 * A blob upload fed while the blob is still being made: what is written goes to the registry as the OCI distribution
 * spec's chunked upload, one PATCH with {@code Content-Range} and {@code Content-Length} per part of
 * {@value #PART_BYTES} bytes (the last one shorter), sent as soon as the part is full, and {@link #finish} commits
 * the blob under its digest once the writer knows it. So a big layer is uploaded while it is compressed, not after,
 * and the registry stores each part as it comes (docker-registry syncs its upload file at the end of every PATCH):
 * the commit does not wait for the whole blob to reach the disk. At most three parts are in memory: one filling,
 * one waiting, one being sent.
 *
 * <p>The upload only ever saves work. Writing never fails because of it: once the registry stops taking parts (an
 * error, a closed connection) the rest is dropped and {@link #finish} says why, and the caller pushes the blob again
 * from its file. Until it is committed the registry holds it as an unfinished upload only, which no manifest can
 * name.
 *
 * <p>The PATCHes go over a blocking client on a thread of their own, so no thread is left waiting in native code
 * once the upload is over (a JVM with one delays its exit by about 0.3 s).
 */
public final class StreamedUpload extends OutputStream {
    /** The size of every part but the last, unless the registry asks for larger ones. */
    static final int PART_BYTES = 16 << 20;
    /** Part buffers at most: one filling, one waiting, one being sent. */
    private static final int BUFFERS = 3;
    /** The largest part kept in memory, whatever minimum the registry names: {@value #BUFFERS} are held at most. */
    static final int MAX_PART_BYTES = 32 << 20;
    private static final Part END = new Part(new byte[0], 0);
    private static final long POLL_MILLIS = 200;
    private static final long ANSWER_SECONDS = 120;

    private final OciRegistry registry;
    private final ImageReference image;
    private final int partBytes;
    /** Full parts, in order, for the sender; then {@link #END}. */
    private final BlockingQueue<Part> parts = new ArrayBlockingQueue<>(1);
    /** Buffers the sender is done with, for the writer to fill again. */
    private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
    /** Where the upload stands once every part is in: the registry's last Location. */
    private final CompletableFuture<URI> uploaded = new CompletableFuture<>();
    private final Thread sender;
    private volatile HttpPatch current;
    private volatile boolean abandoned;
    private boolean ended;
    private byte[] filling;
    private int filled;
    private int allocated;

    private record Part(byte[] bytes, int length) {
    }

    StreamedUpload(OciRegistry registry, ImageReference image, URI upload, CloseableHttpClient http, int partBytes) {
        this.registry = registry;
        this.image = image;
        this.partBytes = partBytes;
        this.sender = new Thread(() -> send(http, upload), "slipway-upload " + OciRegistry.repository(image));
        sender.setDaemon(true);
        sender.start();
    }

    /** Sends the parts as PATCHes, each to the Location the one before was answered with. */
    private void send(CloseableHttpClient http, URI upload) {
        URI next = upload;
        long sent = 0;
        try {
            for (Part part = take(); part != END; part = take()) {
                HttpPatch patch = new HttpPatch(next);
                registry.pushAuthorization(image).ifPresent(a -> patch.setHeader("Authorization", a));
                patch.setHeader("Content-Range", sent + "-" + (sent + part.length() - 1));
                patch.setEntity(new ByteArrayEntity(part.bytes(), 0, part.length(),
                        ContentType.APPLICATION_OCTET_STREAM));
                current = patch;
                try (CloseableHttpResponse response = http.execute(patch)) {
                    EntityUtils.consumeQuietly(response.getEntity());
                    int status = response.getStatusLine().getStatusCode();
                    if (status != 202) {
                        throw new IOException("the registry answered part " + sent + "-" + (sent + part.length() - 1)
                                + " of the streamed upload with HTTP " + status);
                    }
                    sent += part.length();
                    Header range = response.getFirstHeader("Range");
                    long took = range == null
                            ? sent
                            : Long.parseLong(range.getValue().substring(range.getValue().indexOf('-') + 1)) + 1;
                    if (took != sent) {
                        throw new IOException("the registry took " + took + " of " + sent + " bytes");
                    }
                    Header location = response.getFirstHeader("Location");
                    if (location == null) {
                        throw new IOException("the registry answered the streamed upload without a Location");
                    }
                    next = next.resolve(location.getValue());
                }
                free.offer(part.bytes());
            }
            if (abandoned) {
                throw new IOException("upload to " + OciRegistry.repository(image) + " abandoned");
            }
            uploaded.complete(next);
        } catch (IOException | RuntimeException | InterruptedException e) {
            // the thread ends here: the writer learns of it from the future
            giveUp();
            uploaded.completeExceptionally(e);
        }
    }

    /** The next part, waiting for it; {@link #END} once the upload is given up. */
    private Part take() throws InterruptedException {
        while (true) {
            Part next = parts.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            if (abandoned) {
                return END;
            }
            if (next != null) {
                return next;
            }
        }
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0 && !abandoned) {
            if (filling == null) {
                filling = buffer();
                if (filling == null) {
                    return;
                }
            }
            int n = Math.min(len, partBytes - filled);
            System.arraycopy(b, off, filling, filled, n);
            filled += n;
            off += n;
            len -= n;
            if (filled == partBytes) {
                hand(new Part(filling, filled));
                filling = null;
                filled = 0;
            }
        }
    }

    /** A buffer to fill: a new one while fewer than {@value #BUFFERS} exist, else one the sender is done with. */
    private byte[] buffer() throws IOException {
        if (allocated < BUFFERS) {
            allocated++;
            return new byte[partBytes];
        }
        return whileUploading(() -> free.poll(POLL_MILLIS, TimeUnit.MILLISECONDS));
    }

    /** Queues a part, waiting while the registry is behind; drops it once the upload is given up. */
    private void hand(Part part) throws IOException {
        whileUploading(() -> parts.offer(part, POLL_MILLIS, TimeUnit.MILLISECONDS) ? part : null);
    }

    /** A wait of {@value #POLL_MILLIS} ms at most: what it got, or null. */
    @FunctionalInterface
    private interface Poll<T> {
        T attempt() throws InterruptedException;
    }

    /**
     * Tries {@code poll} until it gets something, which it returns, or the upload is given up (also when the sender
     * has stopped), which gives null.
     */
    private <T> T whileUploading(Poll<T> poll) throws IOException {
        try {
            while (!abandoned) {
                T got = poll.attempt();
                if (got != null) {
                    return got;
                }
                if (uploaded.isDone()) {
                    abandoned = true;
                }
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandoned = true;
            throw new IOException("interrupted while uploading to " + OciRegistry.repository(image), e);
        }
    }

    private void giveUp() {
        abandoned = true;
        parts.clear();
    }

    /** Gives the upload up (the blob is not complete): the registry sees the PATCH cut off and commits nothing. */
    public void abandon() {
        giveUp();
        HttpPatch patch = current;
        if (patch != null) {
            patch.abort();
        }
        sender.interrupt();
    }

    /**
     * Sends the last part, and commits what was written as blob {@code digest}. Empty when the whole blob is in the
     * repository under that digest; otherwise why not (the blob must then be pushed another way).
     */
    public Optional<String> finish(String digest) {
        if (abandoned) {
            return Optional.of("the registry stopped taking the streamed upload");
        }
        try {
            ended = true;
            if (filled > 0) {
                hand(new Part(filling, filled));
            }
            hand(END);
            URI location = uploaded.get(ANSWER_SECONDS, TimeUnit.SECONDS);
            registry.commitUpload(image, location, digest);
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandon();
            return Optional.of("interrupted");
        } catch (ExecutionException | TimeoutException | IOException | RuntimeException e) {
            abandon();
            return Optional.of(String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
        }
    }

    /** Ends the upload without committing anything, unless {@link #finish} already did. */
    @Override
    public void close() {
        if (!ended) {
            abandon();
        }
    }
}
