package dev.slipway.images.supplychain;

import com.google.cloud.tools.jib.api.ImageReference;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A blob upload fed while the blob is still being made: what is written goes to the registry in one chunked PATCH,
 * at most {@value #QUEUED_CHUNKS} chunks ahead of it, and {@link #finish} commits it under its digest once the
 * writer knows it. So a big layer is uploaded while it is compressed, not after.
 *
 * <p>The upload only ever saves work. Writing never fails because of it: once the registry stops taking bytes (an
 * error, a closed connection) the rest is dropped and {@link #finish} answers empty, and the caller pushes the blob
 * again from its file. Until it is committed the registry holds it as an unfinished upload only, which no manifest
 * can name.
 */
public final class StreamedUpload extends OutputStream {
    private static final int QUEUED_CHUNKS = 16;
    private static final byte[] END = new byte[0];
    private static final long POLL_MILLIS = 200;
    private static final long ANSWER_SECONDS = 120;

    private final OciRegistry registry;
    private final ImageReference image;
    private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
    private final CompletableFuture<HttpResponse<byte[]>> answer;
    private volatile boolean abandoned;
    private boolean ended;
    private long written;

    StreamedUpload(OciRegistry registry, ImageReference image, HttpRequest.Builder patch) {
        this.registry = registry;
        this.image = image;
        this.answer = registry.sendStreamed(patch.method("PATCH", HttpRequest.BodyPublishers.ofInputStream(Chunks::new))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        answer.whenComplete((response, failed) -> {
            if (failed != null || response.statusCode() != 202) {
                abandoned = true;
                chunks.clear();
            }
        });
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
                if (answer.isDone()) {
                    abandoned = true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandoned = true;
            throw new IOException("interrupted while uploading to " + OciRegistry.repository(image), e);
        }
    }

    /** Gives the upload up (the blob is not complete): the registry sees the PATCH end and keeps nothing. */
    public void abandon() {
        abandoned = true;
        chunks.clear();
        answer.cancel(true);
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
            HttpResponse<byte[]> patched = answer.get(ANSWER_SECONDS, TimeUnit.SECONDS);
            if (patched.statusCode() != 202) {
                return Optional.of("the registry answered the streamed upload with HTTP " + patched.statusCode());
            }
            Optional<String> location = patched.headers().firstValue("Location");
            if (location.isEmpty()) {
                return Optional.of("the registry answered the streamed upload without a Location");
            }
            long range = patched.headers().firstValue("Range").map(r -> r.substring(r.indexOf('-') + 1))
                    .map(Long::parseLong).map(end -> end + 1).orElse(written);
            if (range != written) {
                return Optional.of("the registry took " + range + " of " + written + " bytes");
            }
            registry.commitUpload(image, location.get(), digest);
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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

    /** What the PATCH's body reads: the queued chunks in order, up to {@link #END}. */
    private final class Chunks extends InputStream {
        private byte[] current = new byte[0];
        private int position;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (position == current.length) {
                if (current == END) {
                    return -1;
                }
                try {
                    byte[] next = chunks.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                    if (abandoned) {
                        throw new IOException("upload to " + OciRegistry.repository(image) + " abandoned");
                    }
                    if (next != null) {
                        current = next;
                        position = 0;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
            int n = Math.min(len, current.length - position);
            System.arraycopy(current, position, b, off, n);
            position += n;
            return n;
        }
    }
}
