package dev.slipway.images;

import com.google.cloud.tools.jib.api.buildplan.ContainerBuildPlan;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FileEntry;
import com.google.cloud.tools.jib.api.buildplan.LayerObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything an image's bytes depend on, hashed: where it starts (its parent's digest, a pinned base, or a base
 * tarball's path, size and modification time), its whole Jib build plan (config, env, labels, ports, user,
 * entrypoint), and for every file it copies the destination, permissions, ownership and the source's path, size
 * and modification time — the same facts Jib's own layer cache keys on. A change to any of them, or to Slipway's
 * image layout version, gives another fingerprint.
 */
final class ImageFingerprint {
    private static final String VERSION = "slipway image fingerprint 2";

    private ImageFingerprint() {
    }

    /** The fingerprint, or empty when the plan holds a layer kind this class does not know how to describe. */
    static Optional<String> of(String image, String start, ContainerBuildPlan plan, String toolVersion)
            throws IOException {
        StringBuilder text = new StringBuilder(VERSION).append('\n');
        line(text, "tool", toolVersion);
        line(text, "image", image);
        line(text, "start", start);
        line(text, "base", plan.getBaseImage());
        line(text, "platforms", plan.getPlatforms().stream()
                .map(p -> p.getOs() + "/" + p.getArchitecture()).sorted().toList());
        line(text, "format", String.valueOf(plan.getFormat()));
        line(text, "created", String.valueOf(plan.getCreationTime()));
        line(text, "env", new TreeMap<>(plan.getEnvironment()));
        line(text, "labels", new TreeMap<>(plan.getLabels()));
        line(text, "volumes", plan.getVolumes().stream().map(Object::toString).sorted().toList());
        line(text, "ports", plan.getExposedPorts().stream().map(Object::toString).sorted().toList());
        line(text, "user", plan.getUser());
        line(text, "workdir", String.valueOf(plan.getWorkingDirectory()));
        line(text, "entrypoint", plan.getEntrypoint());
        line(text, "cmd", plan.getCmd());
        for (LayerObject layer : plan.getLayers()) {
            if (!(layer instanceof FileEntriesLayer files)) {
                return Optional.empty();
            }
            line(text, "layer", files.getName());
            for (FileEntry entry : files.getEntries()) {
                line(text, "entry", List.of(entry.getExtractionPath().toString(),
                        entry.getPermissions().toOctalString(), String.valueOf(entry.getOwnership()),
                        entry.getModificationTime().toString(), source(entry.getSourceFile())));
            }
        }
        return Optional.of(Sha256.hex(text.toString()));
    }

    /** A file Slipway reads as a whole (a base tarball): its path, size and modification time. */
    static String source(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        String kind = attributes.isDirectory() ? "dir" : attributes.isSymbolicLink() ? "link" : "file";
        return file.toAbsolutePath().normalize() + " " + kind + " " + attributes.size() + " "
                + attributes.lastModifiedTime().toInstant();
    }

    /**
     * One key and its value, every string in it prefixed with its length, so no value can run into the next.
     * Written by hand rather than as JSON: a JSON mapper costs a fresh JVM about a quarter of a second to start.
     */
    private static void line(StringBuilder text, String key, Object value) {
        text.append(key);
        append(text, value);
        text.append('\n');
    }

    private static void append(StringBuilder text, Object value) {
        if (value instanceof Map<?, ?> map) {
            text.append(" {").append(map.size());
            map.forEach((k, v) -> {
                append(text, k);
                append(text, v);
            });
            text.append('}');
        } else if (value instanceof List<?> list) {
            text.append(" [").append(list.size());
            list.forEach(item -> append(text, item));
            text.append(']');
        } else if (value == null) {
            text.append(" -");
        } else {
            String string = value.toString();
            text.append(' ').append(string.length()).append(':').append(string);
        }
    }

}
