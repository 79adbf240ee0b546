package dev.slipway.render;

import dev.slipway.model.ImageReference;
import dev.slipway.plan.InstancePlan;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The digests a build reported, by image name ({@code images.json} of {@code build --out}, or digests passed on the
 * command line): what lets a rendering pin every image, so a moved tag cannot change what runs.
 */
public record ImageDigests(Map<String, String> byImage) {
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    public static final ImageDigests NONE = new ImageDigests(Map.of());

    public ImageDigests {
        byImage = new TreeMap<>(byImage);
        for (Map.Entry<String, String> entry : byImage.entrySet()) {
            if (!DIGEST.matcher(entry.getValue()).matches()) {
                throw new IllegalArgumentException("image " + entry.getKey() + ": '" + entry.getValue()
                        + "' is not a digest; expected sha256: and 64 hex digits");
            }
        }
        byImage = java.util.Collections.unmodifiableMap(byImage);
    }

    public ImageDigests with(ImageDigests more) {
        Map<String, String> all = new TreeMap<>(byImage);
        all.putAll(more.byImage);
        return new ImageDigests(all);
    }

    /**
     * What a rendering runs: {@code repository@sha256:…} when the build's digest is known; else the tag, and a line
     * in {@code warnings} naming the instance.
     */
    public String reference(InstancePlan instance, List<String> warnings) {
        return pinned(instance.image()).orElseGet(() -> {
            warnings.add("instance " + instance.id() + ": no digest for " + instance.image()
                    + ", pinned by tag only (pass --images images.json or --digest IMAGE=sha256:...)");
            return instance.image().text();
        });
    }

    /** {@code repository@sha256:…} when the build's digest of {@code image} is known. */
    public Optional<String> pinned(ImageReference image) {
        return Optional.ofNullable(byImage.get(image.text())).map(image::pinnedTo);
    }
}
