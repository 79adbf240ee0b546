package dev.slipway.images.progress;

/**
 * How far one image is: layer-sized tasks (building a layer, compressing a base layer, pushing or checking a blob)
 * done out of those known so far, and bytes done out of bytes known so far.
 */
public record ImageProgress(String image, int layersDone, int layersTotal, long bytesDone, long bytesTotal) {
}
