package dev.slipway.images;

import dev.slipway.images.supplychain.ImageSbom;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What Slipway pushed, kept in its cache ({@code pushed/}, one file per image tag): the image's
 * {@link ImageFingerprint}, the digest pushed and its size and, once its SBOM is attached, the digest of the SBOM
 * tag's manifest. A new push rewrites the file without that line, so an SBOM is only ever recorded for the push it
 * was attached to. {@link PushHistory} checks these against the registry.
 */
public final class PushRecords {
    private static final String SBOM = "sbom";
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    private final Path directory;

    public PushRecords(SlipwayCache cache) {
        this.directory = cache.root().resolve("pushed");
    }

    /** A recorded push; {@code sbomManifest} is the manifest digest of the SBOM attached after it, if any. */
    record Pushed(String digest, long size, Optional<String> sbomManifest) {
    }

    /** The recorded push of {@code image} with exactly these inputs. */
    Optional<Pushed> read(String image, String fingerprint) {
        List<String> lines = lines(image);
        if ((lines.size() != 4 && lines.size() != 5) || !lines.get(0).equals(image)
                || !lines.get(1).equals(fingerprint) || !DIGEST.matcher(lines.get(2)).matches()) {
            return Optional.empty();
        }
        try {
            Optional<String> sbom = lines.size() == 5 ? sbomManifest(lines.get(4)) : Optional.empty();
            return Optional.of(new Pushed(lines.get(2), Long.parseLong(lines.get(3)), sbom));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Records a finished push; a cache that cannot be written only costs the fast path next time. */
    void recordPush(String image, String fingerprint, String digest, long size) {
        if (!write(image, List.of(image, fingerprint, digest, Long.toString(size)))) {
            try {
                // an older record must not vouch for this push's SBOM
                Files.deleteIfExists(file(image));
            } catch (IOException e) {
                // a cache that can neither write nor delete here cannot record the SBOM either
            }
        }
    }

    /**
     * Records that the SBOM tag of {@code image} at {@code digest} points at manifest {@code sbomManifest}, for the
     * push recorded for that digest; nothing when there is none.
     */
    public void recordAttachedSbom(String image, String digest, String sbomManifest) {
        List<String> lines = lines(image);
        if ((lines.size() == 4 || lines.size() == 5) && lines.get(0).equals(image) && lines.get(2).equals(digest)) {
            List<String> recorded = new ArrayList<>(lines.subList(0, 4));
            recorded.add(String.join(" ", SBOM, ImageSbom.FORMAT, sbomManifest));
            write(image, recorded);
        }
    }

    /** An SBOM line of the current format; one of another format says nothing about what would be attached now. */
    private static Optional<String> sbomManifest(String line) {
        String[] fields = line.split(" ");
        return fields.length == 3 && fields[0].equals(SBOM) && fields[1].equals(ImageSbom.FORMAT)
                && DIGEST.matcher(fields[2]).matches() ? Optional.of(fields[2]) : Optional.empty();
    }

    private List<String> lines(String image) {
        try {
            return Files.readAllLines(file(image), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of(); // no record yet, or an unreadable one: build and attach as usual
        }
    }

    /** Replaces the record atomically; false if the cache cannot be written. */
    private boolean write(String image, List<String> lines) {
        try {
            AtomicFiles.write(file(image), String.join("\n", lines) + "\n");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private Path file(String image) {
        return directory.resolve(Sha256.hex(image));
    }
}
