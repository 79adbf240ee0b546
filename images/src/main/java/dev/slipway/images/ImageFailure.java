package dev.slipway.images;

/** One image that was not built, and why, in words a user can act on (never with a credential in them). */
public record ImageFailure(String image, String reason) {
    @Override
    public String toString() {
        return image + ": " + reason;
    }
}
