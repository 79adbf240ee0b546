package dev.slipway.images.progress;

import com.google.cloud.tools.jib.api.JibEvent;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.event.events.ProgressEvent;
import com.google.cloud.tools.jib.event.events.TimerEvent;
import com.google.cloud.tools.jib.event.progress.Allocation;
import dev.slipway.images.ImageWork;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;

/**
 * Listens to Jib's events for one image and keeps the count of what was really done. Jib tells a layer was built
 * (not taken from its cache) with a debug log "Building ... layer built sha256:...", a blob already in the
 * registry with "Skipping push; BLOB already exists", and gives every blob push, layer build and base-layer
 * compression its own progress allocation whose units are bytes (or 1 for a layer build). A blob it really uploads
 * gets a timer lap "pushBlob PATCH sha256:..."; a blob that started to push, was not already there and was not
 * uploaded was mounted from the base image's repository.
 *
 * <p>{@code ProgressEvent}, {@code TimerEvent} and {@code Allocation} live outside jib-core's {@code api} package,
 * but they are the events jib-core documents for progress; its {@code api} has no other way to see them.
 */
public final class ProgressReporter implements Consumer<JibEvent> {
    private static final Pattern LAYER_BUILT = Pattern.compile("Building .* layer built sha256:[0-9a-f]{64}");
    private static final Pattern BLOB_SKIPPED = Pattern.compile("Skipping push; BLOB already exists.*size: ([0-9]+)");
    private static final String BLOB_PUSH = "pushing blob ";
    private static final String BLOB_UPLOAD = "pushBlob PATCH ";
    private static final long NOTIFY_EVERY_BYTES = 4L << 20;

    private final String image;
    private final ProgressListener listener;
    private final Map<Allocation, long[]> tasks = new IdentityHashMap<>();
    private int layersDone;
    private long bytesDone;
    private long bytesTotal;
    private long bytesAtLastNotice;
    private int layersBuilt;
    private int blobsStarted;
    private int blobsSkipped;
    private int mountedAhead;
    private int ownBlobs;
    private int pushedAhead;
    private long bytesPushedAhead;
    private long blobBytesStarted;
    private final Map<String, Long> blobSizes = new HashMap<>();
    private final Set<String> uploaded = new HashSet<>();

    public ProgressReporter(String image, ProgressListener listener) {
        this.image = image;
        this.listener = listener;
    }

    @Override
    public void accept(JibEvent event) {
        ImageProgress notice = null;
        synchronized (this) {
            if (event instanceof LogEvent log) {
                onLog(log);
            } else if (event instanceof ProgressEvent progress) {
                notice = onProgress(progress);
            } else if (event instanceof TimerEvent timer && timer.getDescription().startsWith(BLOB_UPLOAD)) {
                uploaded.add(timer.getDescription().substring(BLOB_UPLOAD.length()));
            }
        }
        if (notice != null) {
            listener.progressed(notice);
        }
    }

    private void onLog(LogEvent log) {
        String message = log.getMessage();
        if (log.getLevel() == LogEvent.Level.DEBUG && LAYER_BUILT.matcher(message).matches()) {
            layersBuilt++;
        } else {
            java.util.regex.Matcher skipped = BLOB_SKIPPED.matcher(message);
            if (skipped.matches()) {
                blobsSkipped++;
            }
        }
    }

    private ImageProgress onProgress(ProgressEvent event) {
        Allocation allocation = event.getAllocation();
        String description = allocation.getDescription();
        boolean blob = description.startsWith(BLOB_PUSH);
        boolean layerSized = blob || description.startsWith("compressing layer ")
                || (description.startsWith("building ") && description.endsWith(" layer"));
        if (!layerSized) {
            return null;
        }
        long[] task = tasks.get(allocation);
        if (task == null) {
            task = new long[]{0, allocation.getAllocationUnits()};
            tasks.put(allocation, task);
            boolean bytes = !description.startsWith("building ");
            if (bytes) {
                bytesTotal += task[1];
            }
            if (blob) {
                blobsStarted++;
                blobBytesStarted += task[1];
                blobSizes.put(description.substring(BLOB_PUSH.length()), task[1]);
            }
        }
        return advance(task, event.getUnits(), !description.startsWith("building "));
    }

    /**
     * Moves {@code task} ({done, total}) on by {@code units} (bytes, if {@code bytes}); a notice when it is done or
     * another {@value #NOTIFY_EVERY_BYTES} bytes are.
     */
    private ImageProgress advance(long[] task, long units, boolean bytes) {
        boolean wasDone = task[0] >= task[1];
        task[0] += units;
        if (bytes) {
            bytesDone += units;
        }
        boolean nowDone = !wasDone && task[0] >= task[1];
        if (nowDone) {
            layersDone++;
        }
        if (nowDone || bytesDone - bytesAtLastNotice >= NOTIFY_EVERY_BYTES) {
            bytesAtLastNotice = bytesDone;
            return snapshot();
        }
        return null;
    }

    /** A layer Slipway built itself (not taken from the layer cache). */
    public synchronized void layerBuilt() {
        layersBuilt++;
    }

    /** A blob Slipway mounted into the image's repository from another of the registry's repositories. */
    public synchronized void mounted() {
        mountedAhead++;
    }

    /** A blob Slipway uploaded into the image's repository, of {@code bytes}. */
    public synchronized void uploaded(long bytes) {
        pushedAhead++;
        bytesPushedAhead += bytes;
    }

    /**
     * An upload of {@code size} bytes Slipway starts; the listener hears of it as it goes (every 4 MiB, and when
     * done). Returns what to tell the bytes of each chunk sent.
     */
    public LongConsumer uploading(long size) {
        synchronized (this) {
            ownBlobs++;
            bytesTotal += size;
        }
        long[] task = {0, size};
        return bytes -> {
            ImageProgress notice;
            synchronized (this) {
                notice = advance(task, bytes, true);
            }
            if (notice != null) {
                listener.progressed(notice);
            }
        };
    }

    /** A blob Slipway found in the image's repository already. */
    public synchronized void alreadyThere() {
        blobsSkipped++;
    }

    /** Tells the listener how far a layer Slipway writes itself is (see {@link ProgressListener#packaging}). */
    public void packaging(String layer, long tarBytes, long compressedBytes, boolean done) {
        if (done) {
            synchronized (this) {
                layersBuilt++;
            }
        }
        listener.packaging(image, layer, tarBytes, compressedBytes, done);
    }

    /** Counts blobs Slipway uploaded itself before Jib ran (a packaged base's layers and config), and their bytes. */
    public synchronized void pushedAhead(int blobs, long bytes) {
        pushedAhead += blobs;
        bytesPushedAhead += bytes;
    }

    /** Blobs uploaded (and their bytes), mounted, and found already in the registry. */
    public synchronized ImageWork work() {
        long bytes = bytesPushedAhead
                + uploaded.stream().mapToLong(digest -> blobSizes.getOrDefault(digest, 0L)).sum();
        int mounted = mountedAhead + Math.max(0, blobsStarted - blobsSkipped - uploaded.size());
        return new ImageWork(false, layersBuilt, pushedAhead + uploaded.size(), mounted, blobsSkipped, bytes);
    }

    /** Bytes of every blob Jib handled for this image (its compressed layers and config, when pushing). */
    public synchronized long blobBytes() {
        return blobBytesStarted;
    }

    public synchronized ImageProgress snapshot() {
        return new ImageProgress(image, layersDone, tasks.size() + ownBlobs, bytesDone, bytesTotal);
    }
}
