package dev.slipway.packages.debian;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * A mirror's Release whose signature verified against a keyring, and which is neither expired nor for another
 * suite. Fetched as {@code InRelease}, else {@code Release} + {@code Release.gpg}, from the source's release
 * directory ({@code dists/SUITE/}, or the flat repository's own directory).
 */
record VerifiedRelease(String directory, ReleaseFile release, List<String> signers) {

    /** At most this much is read of a Release (bookworm's InRelease is 150 kB). */
    private static final int MAX_RELEASE_BYTES = 16 << 20;

    /**
     * The verified Release of {@code source}; {@link FileNotFoundException} if the mirror has neither a Release nor
     * an index there; {@link IndexRefusedException} if it cannot be believed.
     */
    static VerifiedRelease fetch(Mirror mirror, DebianSource source, ArchiveKeyring keyring, Instant now)
            throws IOException {
        String dir = source.releaseDirectory();
        byte[] inRelease = readOptional(mirror, source, dir + "InRelease");
        String text;
        List<String> signers;
        try {
            if (inRelease != null) {
                ClearSigned clear = ClearSigned.parse(inRelease);
                signers = keyring.verify(clear.signedBytes(), clear.signatureBlock(), now);
                text = clear.text();
            } else {
                byte[] release = readOptional(mirror, source, dir + "Release");
                if (release == null) {
                    if (hasAnyIndex(mirror, source)) {
                        throw new IndexRefusedException.Unsigned(source, "has a Packages index but no InRelease and no "
                                + "Release at " + source.mirror() + dir + ", so no signature vouches for it");
                    }
                    throw new FileNotFoundException("no InRelease or Release at " + source.mirror() + dir);
                }
                byte[] detached = readOptional(mirror, source, dir + "Release.gpg");
                if (detached == null) {
                    throw new IndexRefusedException.Unsigned(source,
                            "has a Release but no InRelease and no Release.gpg at "
                                    + source.mirror() + dir + ", so nothing signs it");
                }
                signers = keyring.verify(release, detached, now);
                text = new String(release, StandardCharsets.UTF_8);
            }
        } catch (ArchiveKeyring.Rejected e) {
            throw new IndexRefusedException(source, (inRelease != null ? "InRelease" : "Release.gpg") + ": "
                    + e.getMessage());
        }
        ReleaseFile release;
        try {
            release = ReleaseFile.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IndexRefusedException(source, "signed Release is malformed: " + e.getMessage());
        }
        if (release.validUntil().isPresent() && now.isAfter(release.validUntil().get())) {
            throw new IndexRefusedException(source, "Release expired at " + release.validUntil().get()
                    + " (Valid-Until); the mirror is stale or is replaying an old index");
        }
        if (!source.isFlat() && !release.names(source.suite())) {
            throw new IndexRefusedException(source,
                    "Release is for suite " + release.suite().orElse("?") + " (codename "
                            + release.codename().orElse("?") + "), not " + source.suite());
        }
        return new VerifiedRelease(dir, release, signers);
    }

    private static byte[] readOptional(Mirror mirror, DebianSource source, String path) throws IOException {
        try (InputStream in = mirror.open(source.mirror(), path)) {
            byte[] bytes = in.readNBytes(MAX_RELEASE_BYTES + 1);
            if (bytes.length > MAX_RELEASE_BYTES) {
                throw new IndexRefusedException(source, path + " is larger than " + MAX_RELEASE_BYTES + " bytes");
            }
            return bytes;
        } catch (FileNotFoundException e) {
            return null;
        }
    }

    private static boolean hasAnyIndex(Mirror mirror, DebianSource source) throws IOException {
        for (String dir : source.indexDirectories()) {
            for (String name : PackageIndex.INDEX_NAMES) {
                try (InputStream in = mirror.open(source.mirror(), dir + name)) {
                    return true;
                } catch (FileNotFoundException e) {
                    // try the next name
                }
            }
        }
        return false;
    }
}
