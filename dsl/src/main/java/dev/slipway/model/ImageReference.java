package dev.slipway.model;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An image reference, {@code [host[:port]/]repository[:tag][@sha256:...]}: a base Slipway pulls, or an image it
 * builds and rolls out. The one parser of image names; parsing never throws, {@link #isPinned()} tells whether it
 * names exactly one image. A port in the host is not a tag: {@code 127.0.0.1:5000/org/app} is untagged.
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

    /** {@code repository:tag}. */
    public static ImageReference tagged(String repository, String tag) {
        return new ImageReference(repository + ":" + tag, repository, Optional.of(tag), Optional.empty());
    }

    /** Pinned means a content digest: a tag can be moved under us, a digest cannot. */
    public boolean isPinned() {
        return digest.isPresent() && DIGEST.matcher(digest.get()).matches() && !repository.isEmpty();
    }

    /** The tag, or {@code latest} as registries and engines assume for an untagged name. */
    public String tagOrLatest() {
        return tag.orElse("latest");
    }

    /** What the name says after the repository: {@code tag}, {@code tag@digest} or the digest; empty for neither. */
    public Optional<String> tagAndDigest() {
        return tag.map(t -> digest.map(d -> t + "@" + d).orElse(t)).or(() -> digest);
    }

    /** {@code repository@digest}: exactly this image, whatever its tag now points at. */
    public String pinnedTo(String imageDigest) {
        return repository + "@" + imageDigest;
    }

    /**
     * The registry host ({@code host[:port]}) as Docker reads a name: the first path component when it has a dot or
     * a port or is {@code localhost}; else Docker Hub's {@code docker.io}.
     */
    public String registry() {
        int slash = repository.indexOf('/');
        if (slash < 0) {
            return "docker.io";
        }
        String first = repository.substring(0, slash);
        return first.contains(".") || first.contains(":") || first.equals("localhost") ? first : "docker.io";
    }

    @Override
    public String toString() {
        return text;
    }
}
