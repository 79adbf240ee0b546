package dev.slipway.rollout;

import java.util.Optional;

/** How digests are shown to people: {@code sha256:} and the first 12 hex digits. */
public final class Digests {
    private Digests() {
    }

    public static String shortForm(String digest) {
        String hex = digest.startsWith("sha256:") ? digest.substring(7) : digest;
        return "sha256:" + hex.substring(0, Math.min(12, hex.length()));
    }

    public static String shortForm(Optional<String> digest) {
        return digest.map(Digests::shortForm).orElse("(unknown)");
    }
}
