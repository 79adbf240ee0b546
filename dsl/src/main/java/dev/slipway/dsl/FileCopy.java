package dev.slipway.dsl;

/** A local file or directory copied into an image; {@code source} is relative to the fleet's directory. */
public record FileCopy(String source, String destination) {
}
