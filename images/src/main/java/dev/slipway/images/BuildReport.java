package dev.slipway.images;

import java.util.List;

/** Every image of one build, in plan order. */
public record BuildReport(List<BuiltImage> images) {
    public BuildReport {
        images = List.copyOf(images);
    }

    public ImageWork totalWork() {
        int built = 0;
        int pushed = 0;
        int skipped = 0;
        long bytes = 0;
        for (BuiltImage image : images) {
            built += image.work().layersBuilt();
            pushed += image.work().blobsPushed();
            skipped += image.work().blobsSkipped();
            bytes += image.work().bytesTransferred();
        }
        return new ImageWork(built, pushed, skipped, bytes);
    }
}
