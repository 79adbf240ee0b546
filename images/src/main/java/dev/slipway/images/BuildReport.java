package dev.slipway.images;

import java.util.List;

/** Every image of one build, in plan order. */
public record BuildReport(List<BuiltImage> images) {
    public BuildReport {
        images = List.copyOf(images);
    }

    /** The sum of every image's work; {@code upToDate} when every image was. */
    public ImageWork totalWork() {
        ImageWork total = ImageWork.UP_TO_DATE;
        for (BuiltImage image : images) {
            total = total.plus(image.work());
        }
        return total;
    }

    /** How many images were already in the registry as planned, so Jib did not run for them. */
    public long upToDate() {
        return images.stream().filter(image -> image.work().upToDate()).count();
    }
}
