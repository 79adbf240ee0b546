package dev.slipway.images;

/**
 * What building one image cost, counted from Jib's events: whether it was already in the registry exactly as
 * planned (nothing built, nothing pushed: its tag was checked and still points at the digest Slipway recorded for
 * the same inputs), layers built (not taken from the cache), blobs uploaded, blobs mounted from another repository
 * of the same registry, blobs the registry already had, and bytes uploaded.
 */
public record ImageWork(boolean upToDate, int layersBuilt, int blobsPushed, int blobsMounted, int blobsSkipped,
        long bytesTransferred) {
    public static final ImageWork NONE = new ImageWork(false, 0, 0, 0, 0, 0);
    public static final ImageWork UP_TO_DATE = new ImageWork(true, 0, 0, 0, 0, 0);

    public ImageWork plus(ImageWork other) {
        return new ImageWork(upToDate && other.upToDate, layersBuilt + other.layersBuilt,
                blobsPushed + other.blobsPushed, blobsMounted + other.blobsMounted, blobsSkipped + other.blobsSkipped,
                bytesTransferred + other.bytesTransferred);
    }
}
