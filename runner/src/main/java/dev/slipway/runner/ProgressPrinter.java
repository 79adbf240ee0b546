package dev.slipway.runner;

import dev.slipway.images.BuiltImage;
import dev.slipway.images.ImageFailure;
import dev.slipway.images.progress.ImageProgress;
import dev.slipway.images.progress.ProgressListener;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Prints a build's progress, one line per image step, at most one line a second per image while bytes move. */
final class ProgressPrinter implements ProgressListener {
    private static final long QUIET_NANOS = 1_000_000_000L;

    private final PrintWriter out;
    private final Map<String, Long> lastLine = new ConcurrentHashMap<>();
    private final Map<String, Integer> lastLayers = new ConcurrentHashMap<>();

    ProgressPrinter(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void started(String image) {
        print("  start  " + image);
    }

    @Override
    public void progressed(ImageProgress progress) {
        long now = System.nanoTime();
        boolean layerDone = !Integer.valueOf(progress.layersDone()).equals(lastLayers.put(progress.image(),
                progress.layersDone()));
        Long last = lastLine.get(progress.image());
        if (!layerDone && last != null && now - last < QUIET_NANOS) {
            return;
        }
        lastLine.put(progress.image(), now);
        print(String.format(Locale.ROOT, "  %-5s  %s: layers %d/%d, %s / %s", "...", progress.image(),
                progress.layersDone(), progress.layersTotal(), bytes(progress.bytesDone()),
                bytes(progress.bytesTotal())));
    }

    @Override
    public void packaging(String image, String layer, long tarBytes, long compressedBytes, boolean done) {
        long now = System.nanoTime();
        String key = image + " " + layer;
        Long last = lastLine.get(key);
        if (!done && last != null && now - last < QUIET_NANOS) {
            return;
        }
        lastLine.put(key, now);
        print(String.format(Locale.ROOT, "  %-5s  %s: %s %s, %s tar, %s compressed", "...", image,
                done ? "wrote" : "writing", layer, bytes(tarBytes), bytes(compressedBytes)));
    }

    @Override
    public void note(String image, String message) {
        print("  note   " + image + ": " + message);
    }

    @Override
    public void finished(BuiltImage image) {
        String digest = image.digest().substring(0, Math.min(19, image.digest().length()));
        if (image.work().upToDate()) {
            print("  done   " + image.image() + " " + digest + " (up to date: inputs unchanged, tag checked)");
            return;
        }
        print(String.format(Locale.ROOT, "  done   %s %s (%d layers built, %d blobs pushed, %d mounted, %d skipped)",
                image.image(), digest, image.work().layersBuilt(), image.work().blobsPushed(),
                image.work().blobsMounted(), image.work().blobsSkipped()));
    }

    @Override
    public void failed(ImageFailure failure) {
        print("  FAIL   " + failure);
    }

    private synchronized void print(String line) {
        out.println(line);
        out.flush();
    }

    static String bytes(long count) {
        if (count < 1024) {
            return count + " B";
        }
        if (count < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", count / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", count / (1024.0 * 1024.0));
    }
}
