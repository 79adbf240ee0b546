package dev.slipway.images.packages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.packages.layer.LayerCompression;
import dev.slipway.packages.layer.ParallelGzipOutputStream;
import dev.slipway.plan.ImageHealthCheck;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes a family's base image as a {@code docker save} tarball that Jib reads as a base: the starting image's
 * layers (its parent's, byte for byte) followed by layers Slipway made itself, with the config's diff IDs and
 * history extended, and the family's health check in it (Jib carries a base's health check over to every image
 * built on it, and has no API to set one). Every layer is gzip-compressed, since Jib decides from the first layer
 * whether all are. The config keeps the starting image's key order and adds keys in a fixed order, so the same
 * inputs give the same bytes.
 */
final class BaseArchive {
    static final String CREATED = "1970-01-01T00:00:00Z";
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * A compressed layer tar in {@code file}, the SHA-256 of its uncompressed bytes (diff ID), its blob digest and
     * size (of the compressed bytes), its history line, and how it is compressed. A {@code docker save} tarball takes
     * gzip layers only.
     */
    record Layer(Path file, String diffId, String digest, long size, String createdBy, LayerCompression compression) {
        /** A gzip layer. */
        Layer(Path file, String diffId, String digest, long size, String createdBy) {
            this(file, diffId, digest, size, createdBy, LayerCompression.GZIP);
        }
    }

    private BaseArchive() {
    }

    /**
     * Writes {@code starting} (empty: from scratch) plus {@code added} to {@code out}, atomically, with
     * {@code healthCheck} replacing the starting image's, if any.
     */
    static void write(Optional<Path> starting, List<Layer> added, String architecture,
            Optional<ImageHealthCheck> healthCheck, Path out) throws IOException {
        Files.createDirectories(out.getParent());
        Path partial = Files.createTempFile(out.getParent(), out.getFileName().toString(), ".partial");
        try {
            try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16);
                    TarArchiveOutputStream tar = new TarArchiveOutputStream(file, "UTF-8")) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
                ObjectNode config;
                List<String> layers = new ArrayList<>();
                if (starting.isPresent()) {
                    Source source = Source.read(starting.get());
                    config = source.config;
                    copyLayers(starting.get(), source.layers, tar);
                    layers.addAll(source.layers);
                } else {
                    config = scratchConfig(architecture);
                }
                Set<String> written = new java.util.HashSet<>(layers);
                for (Layer layer : added) {
                    if (layer.compression() != LayerCompression.GZIP) {
                        throw new IOException(layer.file() + ": a docker save tarball takes gzip layers only");
                    }
                    String name = layer.diffId().substring("sha256:".length()) + ".tar.gz";
                    if (written.add(name)) {
                        put(tar, name, Files.size(layer.file()), in -> Files.copy(layer.file(), in));
                    }
                    layers.add(name);
                }
                byte[] configBytes = extendedConfig(config, added, healthCheck);
                put(tar, "config.json", configBytes.length, o -> o.write(configBytes));
                ArrayNode manifest = JSON.createArrayNode();
                ObjectNode entry = manifest.addObject();
                entry.put("Config", "config.json");
                entry.putArray("RepoTags");
                ArrayNode layerNames = entry.putArray("Layers");
                layers.forEach(layerNames::add);
                byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
                put(tar, "manifest.json", manifestBytes.length, o -> o.write(manifestBytes));
                tar.finish();
            }
            Files.move(partial, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /**
     * {@code config} (a starting image's, or {@link #scratchConfig}) with {@code added}'s diff IDs and history lines
     * appended and {@code healthCheck} replacing its own, if any: the base config, the same bytes whether it goes
     * into a tarball or to a registry.
     */
    static byte[] extendedConfig(ObjectNode config, List<Layer> added, Optional<ImageHealthCheck> healthCheck)
            throws IOException {
        ObjectNode rootfs = config.has("rootfs") ? (ObjectNode) config.get("rootfs") : config.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode diffIds = rootfs.has("diff_ids") ? (ArrayNode) rootfs.get("diff_ids") : rootfs.putArray("diff_ids");
        ArrayNode history = config.has("history") ? (ArrayNode) config.get("history") : config.putArray("history");
        for (Layer layer : added) {
            diffIds.add(layer.diffId());
            history.addObject().put("created", CREATED).put("created_by", layer.createdBy());
        }
        if (healthCheck.isPresent()) {
            ObjectNode container = config.has("config")
                    ? (ObjectNode) config.get("config")
                    : config.putObject("config");
            container.set("Healthcheck", healthcheck(healthCheck.get()));
        }
        return JSON.writeValueAsBytes(config);
    }

    /** A starting image's config as JSON that {@link #extendedConfig} can extend. */
    static ObjectNode parseConfig(byte[] config) throws IOException {
        return (ObjectNode) JSON.readTree(config);
    }

    /** Docker's {@code Healthcheck} of an image config: the CMD form, durations in nanoseconds. */
    static ObjectNode healthcheck(ImageHealthCheck check) {
        ObjectNode node = JSON.createObjectNode();
        ArrayNode test = node.putArray("Test");
        check.test().forEach(test::add);
        node.put("Interval", TimeUnit.SECONDS.toNanos(check.intervalSeconds()));
        node.put("Timeout", TimeUnit.SECONDS.toNanos(check.timeoutSeconds()));
        node.put("StartPeriod", TimeUnit.SECONDS.toNanos(check.startPeriodSeconds()));
        node.put("Retries", check.retries());
        return node;
    }

    static ObjectNode scratchConfig(String architecture) {
        ObjectNode config = JSON.createObjectNode();
        config.put("architecture", architecture);
        config.put("os", "linux");
        config.put("created", CREATED);
        // tini execs its command through PATH; an image from scratch has none otherwise
        config.putObject("config").putArray("Env").add("PATH=" + DEFAULT_PATH);
        config.putObject("rootfs").put("type", "layers").putArray("diff_ids");
        config.putArray("history");
        return config;
    }

    /** The starting image's manifest entry and config. */
    private record Source(ObjectNode config, List<String> layers) {
        static Source read(Path tarball) throws IOException {
            // two passes, so only these two small files are ever read into memory, never a layer
            byte[] manifestBytes = member(tarball, "manifest.json");
            if (manifestBytes == null) {
                throw new IOException(tarball + " has no manifest.json; expected a docker save tarball");
            }
            JsonNode manifest = JSON.readTree(manifestBytes).get(0);
            byte[] configBytes = member(tarball, clean(manifest.get("Config").asText()));
            if (configBytes == null) {
                throw new IOException(tarball + " has no config " + manifest.get("Config").asText());
            }
            List<String> layers = new ArrayList<>();
            manifest.get("Layers").forEach(l -> layers.add(clean(l.asText())));
            return new Source((ObjectNode) JSON.readTree(configBytes), layers);
        }

        private static byte[] member(Path tarball, String name) throws IOException {
            return TarMember.read(new BufferedInputStream(Files.newInputStream(tarball), 1 << 16), name, 4 << 20)
                    .orElse(null);
        }
    }

    private static void copyLayers(Path tarball, List<String> layers, TarArchiveOutputStream out) throws IOException {
        Set<String> wanted = new LinkedHashSet<>(layers);
        try (TarArchiveInputStream tar = open(tarball)) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null;) {
                String name = clean(e.getName());
                if (!e.isFile() || !wanted.remove(name)) {
                    continue;
                }
                BufferedInputStream in = new BufferedInputStream(tar);
                in.mark(4);
                boolean gzipped = LayerCompression.ofMagic(in.readNBytes(4)).orElse(null) == LayerCompression.GZIP;
                in.reset();
                if (gzipped) {
                    long size = e.getSize();
                    put(out, name, size, o -> in.transferTo(o));
                } else {
                    // a docker save tarball of another tool: compress, so every layer is alike
                    Path gz = Files.createTempFile("slipway-layer", ".tar.gz");
                    try {
                        try (OutputStream o = new ParallelGzipOutputStream(Files.newOutputStream(gz))) {
                            in.transferTo(o);
                        }
                        put(out, name, Files.size(gz), o -> Files.copy(gz, o));
                    } finally {
                        Files.deleteIfExists(gz);
                    }
                }
            }
        }
        if (!wanted.isEmpty()) {
            throw new IOException(tarball + " lacks the layers " + wanted + " its manifest lists");
        }
    }

    private static TarArchiveInputStream open(Path tarball) throws IOException {
        return new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(tarball), 1 << 16));
    }

    private static String clean(String name) {
        return TarMember.clean(name);
    }

    private interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private static void put(TarArchiveOutputStream tar, String name, long size, Content content) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(size);
        entry.setMode(0100644);
        entry.setModTime(new Date(1000L));
        entry.setIds(0, 0);
        tar.putArchiveEntry(entry);
        content.writeTo(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                tar.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                tar.write(b, off, len);
            }
        });
        tar.closeArchiveEntry();
    }
}
