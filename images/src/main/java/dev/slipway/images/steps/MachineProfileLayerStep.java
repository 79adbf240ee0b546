package dev.slipway.images.steps;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import dev.slipway.images.InputProblem;
import dev.slipway.plan.ImagePlan;
import dev.slipway.plan.LayerPlan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * {@code /etc/machine-profile.json}: the plan's machine profile rendered as sorted, indented JSON with a trailing
 * newline. The file is staged in the cache under its content hash and never rewritten, so Jib's layer cache
 * (which keys on the source file's mtime) sees the same file on every build.
 */
public final class MachineProfileLayerStep implements LayerStep {
    private static final ObjectWriter JSON = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build()
            .writer(new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n")));

    @Override
    public String kind() {
        return "machine-profile";
    }

    @Override
    public List<InputProblem> check(ImagePlan image, LayerPlan layer, StepContext context) {
        return List.of();
    }

    /** The exact bytes of the profile document. */
    public static byte[] render(Map<String, String> profile) {
        try {
            return (JSON.writeValueAsString(profile) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot render a machine profile", e);
        }
    }

    @Override
    public FileEntriesLayer layer(ImagePlan image, LayerPlan layer, StepContext context) throws IOException {
        Path staged = stage(render(image.machineProfile()), context.cache().staging().resolve("machine-profiles"));
        return FileEntriesLayer.builder()
                .setName(LayerStep.layerName(image, layer))
                .addEntry(ReproducibleEntries.file(staged, AbsoluteUnixPath.get(layer.destination())))
                .build();
    }

    private static Path stage(byte[] content, Path directory) throws IOException {
        Path file = directory.resolve(sha256(content) + ".json");
        if (Files.exists(file)) {
            return file;
        }
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, ".profile-", ".tmp");
        Files.write(temporary, content);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
