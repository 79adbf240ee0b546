package dev.slipway.packages.layer;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/** How the layers Slipway writes itself are compressed, with the OCI media type each gives a layer. */
public enum LayerCompression {
    GZIP("application/vnd.oci.image.layer.v1.tar+gzip", ".tar.gz"), ZSTD("application/vnd.oci.image.layer.v1.tar+zstd",
            ".tar.zst");

    /** The first Docker Engine release that pulls zstd layers (moby 23.0). */
    public static final int ZSTD_MINIMUM_DOCKER_MAJOR = 23;
    private static final Pattern MAJOR = Pattern.compile("^v?(\\d+)\\.");

    private final String mediaType;
    private final String extension;

    LayerCompression(String mediaType, String extension) {
        this.mediaType = mediaType;
        this.extension = extension;
    }

    public String mediaType() {
        return mediaType;
    }

    /** The file name ending of a layer blob so compressed, e.g. {@code .tar.gz}. */
    public String extension() {
        return extension;
    }

    /** A stream that compresses into {@code sink} on every core and hashes both sides; closing it closes the sink. */
    public LayerCompressionStream open(OutputStream sink) throws IOException {
        return this == GZIP ? new ParallelGzipOutputStream(sink) : new ZstdLayerOutputStream(sink);
    }

    /** The tar inside {@code compressed}, a layer so compressed; closing it closes {@code compressed}. */
    public InputStream decompress(InputStream compressed) throws IOException {
        return this == GZIP
                ? new GZIPInputStream(compressed, 1 << 16)
                : new ZstdInputStreamNoFinalizer(new BufferedInputStream(compressed, 1 << 16));
    }

    /**
     * The compression a blob starting with {@code head} (its first bytes, four are enough) is in: gzip's magic
     * {@code 1f 8b}, zstd's {@code 28 b5 2f fd}; empty for anything else, such as a plain tar.
     */
    public static Optional<LayerCompression> ofMagic(byte[] head) {
        if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return Optional.of(GZIP);
        }
        if (head.length >= 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f
                && (head[3] & 0xff) == 0xfd) {
            return Optional.of(ZSTD);
        }
        return Optional.empty();
    }

    /** The compression an OCI or Docker layer media type names; empty for one Slipway does not write. */
    public static Optional<LayerCompression> ofMediaType(String mediaType) {
        if (mediaType.endsWith("+zstd")) {
            return Optional.of(ZSTD);
        }
        if (mediaType.endsWith("+gzip") || mediaType.endsWith(".tar.gzip")) {
            return Optional.of(GZIP);
        }
        return Optional.empty();
    }

    /** {@code gzip} or {@code zstd}, as a user writes it; the error names what is accepted. */
    public static LayerCompression parse(String text) {
        for (LayerCompression c : values()) {
            if (c.name().toLowerCase(Locale.ROOT).equals(text.strip().toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown layer compression '" + text + "'; expected one of "
                + Arrays.stream(values()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList());
    }

    /**
     * Why a Docker host whose engine reports {@code engineVersion} (the Engine API's {@code Version}, e.g.
     * {@code 20.10.24} or {@code 24.0.7}) cannot pull layers so compressed; empty when it can. A rollout calls this
     * for every host before it changes anything.
     */
    public Optional<String> refusalFor(String engineVersion) {
        if (this != ZSTD) {
            return Optional.empty();
        }
        Matcher m = MAJOR.matcher(engineVersion.strip());
        if (!m.find()) {
            return Optional.of("reports Docker Engine version '" + engineVersion + "', which is not a version number; "
                    + "zstd layers need Docker Engine " + ZSTD_MINIMUM_DOCKER_MAJOR + ".0 or newer");
        }
        int major = Integer.parseInt(m.group(1));
        if (major < ZSTD_MINIMUM_DOCKER_MAJOR) {
            return Optional
                    .of("runs Docker Engine " + engineVersion.strip() + ", which cannot pull zstd layers; they need "
                            + ZSTD_MINIMUM_DOCKER_MAJOR + ".0 or newer (or build with --compression gzip)");
        }
        return Optional.empty();
    }
}
