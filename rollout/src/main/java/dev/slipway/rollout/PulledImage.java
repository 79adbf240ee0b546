package dev.slipway.rollout;

/** An image present on a machine: its name, registry digest, pinned reference, user and source revision. */
record PulledImage(String image, String digest, String pinned, String user, String revision) {
}
