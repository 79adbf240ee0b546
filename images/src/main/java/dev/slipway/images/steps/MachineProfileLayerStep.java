package dev.slipway.images.steps;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FileEntry;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import dev.slipway.images.InputProblem;
import dev.slipway.images.Sha256;
import dev.slipway.plan.ImagePlan;
import dev.slipway.plan.LayerPlan;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.FileAlreadyExistsException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /etc/machine-profile.json}: the plan's machine profile rendered as sorted, indented JSON with a trailing
 * newline. The file is staged in the cache under its content hash and never rewritten, so Jib's layer cache
 * (which keys on the source file's mtime) sees the same file on every build. The same layer holds the service
 * user's home directory, empty, mode 0750 and owned by that user (as Debian's adduser makes it), so {@code HOME} is
 * writable on any base: a registry image, a tarball or scratch.
 */
public final class MachineProfileLayerStep implements LayerStep<LayerPlan.MachineProfile> {
    static final FilePermissions HOME = FilePermissions.fromOctalString("750");

    /**
     * Jackson's streaming generator, not an {@code ObjectMapper}: the same bytes for a flat string map, and about a
     * quarter of a second less to start in a fresh JVM, which every build pays.
     */
    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public List<InputProblem> check(ImagePlan image, LayerPlan.MachineProfile layer, StepContext context) {
        return List.of();
    }

    /** The exact bytes of the profile document: keys sorted, two-space indent, {@code "key" : "value"}. */
    public static byte[] render(Map<String, String> profile) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.setPrettyPrinter(new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n")));
            json.writeStartObject();
            for (Map.Entry<String, String> entry : new TreeMap<>(profile).entrySet()) {
                json.writeStringField(entry.getKey(), entry.getValue());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot render a machine profile", e);
        }
        return (out + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public FileEntriesLayer layer(ImagePlan image, LayerPlan.MachineProfile layer, StepContext context)
            throws IOException {
        Path staged = stage(render(layer.document()), context.cache().staging().resolve("machine-profiles"));
        return FileEntriesLayer.builder()
                .setName(LayerStep.layerName(layer))
                .addEntry(ReproducibleEntries.file(staged, AbsoluteUnixPath.get(layer.destination())))
                .addEntry(new FileEntry(emptyDirectory(context.cache().staging()), AbsoluteUnixPath.get(layer.home()),
                        HOME, FileEntriesLayer.DEFAULT_MODIFICATION_TIME, layer.user().numeric()))
                .build();
    }

    /**
     * A directory nothing is ever written into, the source of the home directory entry: Jib's layer cache keys on
     * the source's modification time, which for it never changes.
     */
    static Path emptyDirectory(Path staging) throws IOException {
        return Files.createDirectories(staging.resolve("empty-directory"));
    }

    /**
     * The profile's file in {@code directory}, named by its content hash: written once, then only ever returned,
     * so every image that copies it sees one file with one modification time.
     */
    static Path stage(byte[] content, Path directory) throws IOException {
        Path file = directory.resolve(Sha256.hex(content) + ".json");
        if (Files.exists(file)) {
            return file;
        }
        Files.createDirectories(directory);
        Path temporary = Files.createTempFile(directory, ".profile-", ".tmp");
        Files.write(temporary, content);
        try {
            // never replace: an image built at the same time may already have taken this file's mtime into its
            // fingerprint and Jib's layer cache key, and the content is the same anyway
            Files.createLink(file, temporary);
        } catch (FileAlreadyExistsException e) {
            // another image staged the same profile first
        } finally {
            Files.delete(temporary);
        }
        return file;
    }

}
