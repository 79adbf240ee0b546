package dev.slipway.packages.layer;

/** Size and SHA-256 of a written, uncompressed layer tar (its OCI diff ID is {@code sha256:} + hex). */
public record LayerDigest(long size, String sha256) {
    public String diffId() {
        return "sha256:" + sha256;
    }
}
