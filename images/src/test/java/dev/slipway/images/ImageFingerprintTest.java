package dev.slipway.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fingerprint that decides whether an image may skip Jib: it must move whenever the image could. */
class ImageFingerprintTest {
    private static final String IMAGE = "127.0.0.1:5000/acme/fleet/web:t-mainpc";

    @TempDir
    Path dir;

    private String fingerprint(Path file, Map<String, String> env, String start) throws IOException {
        JibContainerBuilder builder = Jib.fromScratch().setEnvironment(env).addFileEntriesLayer(
                FileEntriesLayer.builder().setName("app").addEntry(file, AbsoluteUnixPath.get("/app/main.py")).build());
        return ImageFingerprint.of(IMAGE, start, builder.toContainerBuildPlan(), "1").orElseThrow();
    }

    @Test
    void sameInputsGiveTheSameFingerprintAndEveryInputMovesIt() throws IOException {
        Path file = dir.resolve("main.py");
        Files.writeString(file, "print('hi')\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
        String first = fingerprint(file, Map.of("A", "1"), "parent@sha256:aa");
        assertEquals(first, fingerprint(file, Map.of("A", "1"), "parent@sha256:aa"));

        assertNotEquals(first, fingerprint(file, Map.of("A", "2"), "parent@sha256:aa"), "env");
        assertNotEquals(first, fingerprint(file, Map.of("A", "1"), "parent@sha256:bb"), "the parent's digest");
        assertNotEquals(first, fingerprint(file, Map.of("A", "1", "B", ""), "parent@sha256:aa"), "a new variable");

        Files.writeString(file, "print('hi!')\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
        String longer = fingerprint(file, Map.of("A", "1"), "parent@sha256:aa");
        assertNotEquals(first, longer, "a file of another size");

        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:01Z")));
        assertNotEquals(longer, fingerprint(file, Map.of("A", "1"), "parent@sha256:aa"), "a touched file");
    }

    @Test
    void valuesCannotRunIntoEachOther() throws IOException {
        Path file = dir.resolve("main.py");
        Files.writeString(file, "x\n");
        assertNotEquals(fingerprint(file, Map.of("A", "1, B=2"), "p"),
                fingerprint(file, Map.of("A", "1", "B", "2"), "p"));
    }
}
