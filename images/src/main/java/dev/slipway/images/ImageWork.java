package dev.slipway.images;

/**
 * What building one image cost, counted from Jib's events: layers built (not taken from the cache), blobs
 * pushed, blobs the registry already had, and bytes sent or written.
 */
public record ImageWork(int layersBuilt, int blobsPushed, int blobsSkipped, long bytesTransferred) {
    public static final ImageWork NONE = new ImageWork(0, 0, 0, 0);
}
