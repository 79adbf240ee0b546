package dev.slipway.images;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** {@code images.json}: every image name mapped to its manifest digest, sorted, byte-identical for equal builds. */
public final class ImageIndex {
    public static final String FILE_NAME = "images.json";

    private ImageIndex() {
    }

    public static Map<String, String> digests(BuildReport report) {
        Map<String, String> digests = new TreeMap<>();
        report.images().forEach(image -> digests.put(image.image(), image.digest()));
        return digests;
    }

    public static byte[] render(BuildReport report) {
        try {
            String json = JsonMapper.builder().build()
                    .writer(new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n")))
                    .writeValueAsString(digests(report));
            return (json + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot render " + FILE_NAME, e);
        }
    }

    /** Writes {@code images.json} into {@code directory}, atomically. */
    public static Path write(BuildReport report, Path directory) throws IOException {
        Path file = directory.resolve(FILE_NAME);
        AtomicFiles.write(file, render(report));
        return file;
    }

    public static Map<String, String> read(Path file) throws IOException {
        Map<String, String> digests = new TreeMap<>();
        JsonMapper.builder().build().readTree(file.toFile()).fields()
                .forEachRemaining(field -> digests.put(field.getKey(), field.getValue().asText()));
        return digests;
    }
}
