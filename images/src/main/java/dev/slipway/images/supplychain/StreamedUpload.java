package dev.slipway.images.supplychain;

import com.google.cloud.tools.jib.api.ImageReference;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.Arrays;
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
import org.apache.http.entity.ContentType;
import org.apache.http.entity.InputStreamEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.util.EntityUtils;

/**
 * A blob upload fed while the blob is still being made: what is written goes to the registry in chunked PATCHes of
 * about {@value #PART_BYTES} bytes each, at most {@value #QUEUED_CHUNKS} writes ahead of it, and {@link #finish}
 * commits it under its digest once the writer knows it. So a big layer is uploaded while it is compressed, not
 * after, and the registry stores each part as it comes (docker-registry syncs its upload file at the end of every
 * PATCH): the commit does not wait for the whole blob to reach the disk.
 *
 * <p>The upload only ever saves work. Writing never fails because of it: once the registry stops taking bytes (an
 * error, a closed connection) the rest is dropped and {@link #finish} answers empty, and the caller pushes the blob
 * again from its file. Until it is committed the registry holds it as an unfinished upload only, which no manifest
 * can name.
 *
 * <p>The PATCHes go over a blocking client on a thread of their own, so no thread is left waiting in native code
 * once the upload is over (a JVM with one delays its exit by about 0.3 s).
 */
public final class StreamedUpload extends OutputStream {
    /** About this many bytes per PATCH (a part ends with the write that reaches it). */
    static final long PART_BYTES = 64L << 20;
    private static final int QUEUED_CHUNKS = 16;
    private static final byte[] END = new byte[0];
    private static final long POLL_MILLIS = 200;
    private static final long ANSWER_SECONDS = 120;

    private final OciRegistry registry;
    private final ImageReference image;
    private final long partBytes;
    private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
    /** Where the upload stands once every part is in: the registry's last Location. */
    private final CompletableFuture<URI> uploaded = new CompletableFuture<>();
    private final Thread sender;
    private volatile HttpPatch current;
    private volatile boolean abandoned;
    private boolean ended;
    private long written;

    StreamedUpload(OciRegistry registry, ImageReference image, URI upload, CloseableHttpClient http, long partBytes) {
        this.registry = registry;
        this.image = image;
        this.partBytes = partBytes;
        this.sender = new Thread(() -> send(http, upload), "slipway-upload " + OciRegistry.repository(image));
        sender.setDaemon(true);
        sender.start();
    }

    /** Sends the queued chunks as PATCHes, each to the Location the one before was answered with. */
    private void send(CloseableHttpClient http, URI upload) {
        URI next = upload;
        long sent = 0;
        try {
            byte[] first;
            while ((first = take()) != END) {
                Part part = new Part(first);
                HttpPatch patch = new HttpPatch(next);
                registry.pushAuthorization(image).ifPresent(a -> patch.setHeader("Authorization", a));
                // no length given: sent chunked, as the part is read
                patch.setEntity(new InputStreamEntity(part, -1, ContentType.APPLICATION_OCTET_STREAM));
                current = patch;
                try (CloseableHttpResponse response = http.execute(patch)) {
                    EntityUtils.consumeQuietly(response.getEntity());
                    int status = response.getStatusLine().getStatusCode();
                    if (status != 202) {
                        throw new IOException("the registry answered a PATCH of the streamed upload with HTTP "
                                + status);
                    }
                    Header location = response.getFirstHeader("Location");
                    if (location == null) {
                        throw new IOException("the registry answered the streamed upload without a Location");
                    }
                    sent += part.read;
                    Header range = response.getFirstHeader("Range");
                    long took = range == null
                            ? sent
                            : Long.parseLong(range.getValue().substring(range.getValue().indexOf('-') + 1)) + 1;
                    if (took != sent) {
                        throw new IOException("the registry took " + took + " of " + sent + " bytes");
                    }
                    next = next.resolve(location.getValue());
                }
                if (part.ended) {
                    break;
                }
            }
            if (abandoned) {
                throw new IOException("upload to " + OciRegistry.repository(image) + " abandoned");
            }
            uploaded.complete(next);
        } catch (IOException | RuntimeException e) {
            giveUp();
            uploaded.completeExceptionally(e);
        } catch (InterruptedException e) {
            giveUp();
            uploaded.completeExceptionally(e);
        }
    }

    /** The next queued chunk, waiting for it; {@link #END} once the upload is given up. */
    private byte[] take() throws InterruptedException {
        while (true) {
            byte[] next = chunks.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
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
        if (len == 0 || abandoned) {
            return;
        }
        written += len;
        offer(Arrays.copyOfRange(b, off, off + len));
    }

    /** Queues a chunk, waiting while the registry is behind; drops it once the upload is given up. */
    private void offer(byte[] chunk) throws IOException {
        try {
            while (!abandoned && !chunks.offer(chunk, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                if (uploaded.isDone()) {
                    abandoned = true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandoned = true;
            throw new IOException("interrupted while uploading to " + OciRegistry.repository(image), e);
        }
    }

    private void giveUp() {
        abandoned = true;
        chunks.clear();
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
     * Ends the upload and commits what was written as blob {@code digest}. Empty when the whole blob is in the
     * repository under that digest; otherwise why not (the blob must then be pushed another way).
     */
    public Optional<String> finish(String digest) {
        if (abandoned) {
            return Optional.of("the registry stopped taking the streamed upload");
        }
        try {
            ended = true;
            offer(END);
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

    /** Ends the PATCH without committing anything, unless {@link #finish} already did. */
    @Override
    public void close() {
        if (!ended) {
            abandon();
        }
    }

    /**
     * One PATCH's body: queued chunks in order, starting with {@code first}, until the part has
     * {@link #partBytes} or the upload's {@link #END} comes.
     */
    private final class Part extends InputStream {
        private byte[] chunk;
        private int position;
        long read;
        boolean ended;

        Part(byte[] first) {
            this.chunk = first;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (position == chunk.length) {
                if (ended || read >= partBytes) {
                    return -1;
                }
                try {
                    chunk = take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
                position = 0;
                if (abandoned) {
                    throw new IOException("upload to " + OciRegistry.repository(image) + " abandoned");
                }
                ended = chunk == END;
            }
            int n = Math.min(len, chunk.length - position);
            System.arraycopy(chunk, position, b, off, n);
            position += n;
            read += n;
            return n;
        }
    }
}
