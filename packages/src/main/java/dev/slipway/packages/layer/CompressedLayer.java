package dev.slipway.packages.layer;

/**
 * A layer blob as written: how it is compressed, the size and SHA-256 of the compressed bytes (its OCI digest) and
 * of the uncompressed tar (its diff ID), both taken in the one pass that compressed it.
 */
public record CompressedLayer(LayerCompression compression, long size, String sha256, LayerDigest uncompressed) {

    /** The blob's digest, {@code sha256:} + hex of the compressed bytes. */
    public String digest() {
        return "sha256:" + sha256;
    }

    public String diffId() {
        return uncompressed.diffId();
    }

    public String mediaType() {
        return compression.mediaType();
    }
}
