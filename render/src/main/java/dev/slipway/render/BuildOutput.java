package dev.slipway.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * What {@code build --out DIR} wrote, as the pictures show it: each image's digest from {@code images.json} and its
 * layers (file name and compressed size) from the {@code manifest.json} of its {@code docker load} tarball, matched
 * by the tarball's own RepoTags, so nothing here knows where build puts which file.
 */
public record BuildOutput(Path directory, Map<String, String> digests, Map<String, List<BuiltLayer>> layers) {
    public static final String INDEX = "images.json";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One layer of a built image: its blob's name in the tarball (its digest) and compressed size. */
    public record BuiltLayer(String name, long size) {
    }

    public BuildOutput {
        digests = Map.copyOf(digests);
        layers = Map.copyOf(layers);
    }

    /** The image's layers, bottom first, when the build wrote its tarball. */
    public Optional<List<BuiltLayer>> layersOf(String image) {
        return Optional.ofNullable(layers.get(image));
    }

    /** Compressed size of every layer of the image. */
    public Optional<Long> sizeOf(String image) {
        return layersOf(image).map(l -> l.stream().mapToLong(BuiltLayer::size).sum());
    }

    /** The layers of {@code image} that {@code base} does not have: what the image adds over its base. */
    public Optional<List<BuiltLayer>> addedOver(String image, Optional<String> base) {
        Set<String> inBase = new HashSet<>();
        base.flatMap(this::layersOf).ifPresent(l -> l.forEach(layer -> inBase.add(layer.name())));
        return layersOf(image).map(l -> l.stream().filter(layer -> !inBase.contains(layer.name())).toList());
    }

    /**
     * Reads a build's output directory; an {@link IllegalArgumentException} saying what is missing or unreadable
     * (every problem at once) otherwise.
     */
    public static BuildOutput read(Path directory) {
        List<String> problems = new ArrayList<>();
        Map<String, String> digests = new TreeMap<>();
        Path index = directory.resolve(INDEX);
        try {
            JSON.readTree(index.toFile()).fields()
                    .forEachRemaining(field -> digests.put(field.getKey(), field.getValue().asText()));
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            problems.add(index + " does not exist: expected the output of `build --out " + directory + "`");
        } catch (IOException e) {
            problems.add(index + " cannot be read: " + e.getMessage().replace('\n', ' '));
        }
        Map<String, List<BuiltLayer>> layers = new TreeMap<>();
        if (problems.isEmpty()) {
            List<Path> tarballs;
            try (Stream<Path> files = Files.walk(directory)) {
                tarballs = files.filter(f -> f.getFileName().toString().endsWith(".tar") && Files.isRegularFile(f))
                        .sorted().toList();
            } catch (IOException e) {
                throw new IllegalArgumentException(directory + " cannot be listed: " + e.getMessage());
            }
            for (Path tarball : tarballs) {
                try {
                    layers.putAll(readTarball(tarball));
                } catch (IOException | IllegalArgumentException e) {
                    problems.add(tarball + " is not a docker-load tarball: " + e.getMessage());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
        return new BuildOutput(directory, digests, layers);
    }

    /** Every tag of the tarball's manifest mapped to its layers and their sizes. */
    private static Map<String, List<BuiltLayer>> readTarball(Path tarball) throws IOException {
        Map<String, Long> sizes = new HashMap<>();
        JsonNode manifest = null;
        try (InputStream in = Files.newInputStream(tarball);
                TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (entry.getName().equals("manifest.json")) {
                    manifest = JSON.readTree(tar.readAllBytes());
                } else if (entry.isFile()) {
                    sizes.put(entry.getName(), entry.getSize());
                }
            }
        }
        if (manifest == null || !manifest.isArray()) {
            throw new IllegalArgumentException("it has no manifest.json list");
        }
        Map<String, List<BuiltLayer>> byTag = new HashMap<>();
        for (JsonNode image : manifest) {
            List<BuiltLayer> layers = new ArrayList<>();
            for (JsonNode layer : image.path("Layers")) {
                Long size = sizes.get(layer.asText());
                if (size == null) {
                    throw new IllegalArgumentException("its manifest names layer " + layer.asText()
                            + ", which the tarball does not hold");
                }
                layers.add(new BuiltLayer(layer.asText(), size));
            }
            for (JsonNode tag : image.path("RepoTags")) {
                byTag.put(tag.asText(), List.copyOf(layers));
            }
        }
        return byTag;
    }
}
