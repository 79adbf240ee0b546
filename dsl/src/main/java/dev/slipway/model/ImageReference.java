package dev.slipway.model;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A reference to an image Slipway does not build itself, e.g. {@code registry.example/org/python@sha256:...}.
 * Parsing never throws; {@link #isPinned()} tells whether it names exactly one image.
 */
public record ImageReference(String text, String repository, Optional<String> tag, Optional<String> digest) {
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    public static ImageReference parse(String text) {
        String rest = text;
        Optional<String> digest = Optional.empty();
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = Optional.of(rest.substring(at + 1));
            rest = rest.substring(0, at);
        }
        Optional<String> tag = Optional.empty();
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = Optional.of(rest.substring(colon + 1));
            rest = rest.substring(0, colon);
        }
        return new ImageReference(text, rest, tag, digest);
    }

    /** Pinned means a content digest: a tag can be moved under us, a digest cannot. */
    public boolean isPinned() {
        return digest.isPresent() && DIGEST.matcher(digest.get()).matches() && !repository.isEmpty();
    }

    @Override
    public String toString() {
        return text;
    }
}
