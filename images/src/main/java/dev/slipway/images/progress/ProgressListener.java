package dev.slipway.images.progress;

import dev.slipway.images.BuiltImage;
import dev.slipway.images.ImageFailure;

/** Told as a build goes; called from build threads, so implementations must be thread-safe. */
public interface ProgressListener {
    ProgressListener SILENT = new ProgressListener() {
    };

    default void started(String image) {
    }

    default void progressed(ImageProgress progress) {
    }

    /**
     * A layer Slipway writes itself (Debian packages, wheels) is {@code tarBytes} along, {@code compressedBytes}
     * compressed; told every few MiB and once more with {@code done} when it is complete.
     */
    default void packaging(String image, String layer, long tarBytes, long compressedBytes, boolean done) {
    }

    /** Something the user should know about an image that did not stop its build (a fallback taken, say). */
    default void note(String image, String message) {
    }

    default void finished(BuiltImage image) {
    }

    default void failed(ImageFailure failure) {
    }
}
