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

    default void finished(BuiltImage image) {
    }

    default void failed(ImageFailure failure) {
    }
}
