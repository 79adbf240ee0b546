package dev.slipway.images.packages;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.slipway.dsl.HealthProbe;
import dev.slipway.plan.ImageHealthCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The health check in a base config Slipway writes: Docker's {@code Healthcheck} with nanoseconds, in a fixed key
 * order, the same bytes on every write, and a parent's check replaced in place by the child's.
 */
class BaseArchiveHealthCheckTest {
    private static final ImageHealthCheck PYTHON = new ImageHealthCheck(
            HealthProbe.PYTHON3.commandFromEnvironment(), 30, 10, 40, 3);
    private static final ImageHealthCheck WGET = new ImageHealthCheck(
            HealthProbe.BUSYBOX_WGET.commandFromEnvironment(), 30, 10, 40, 3);

    @TempDir
    Path dir;

    @Test
    void theConfigCarriesDockersHealthcheckInNanosecondsAndTheSameBytesEachTime() throws IOException {
        BaseArchive.Layer layer = layer("a");
        Path first = dir.resolve("first.tar");
        Path second = dir.resolve("second.tar");
        BaseArchive.write(Optional.empty(), List.of(layer), "amd64", Optional.of(PYTHON), first);
        BaseArchive.write(Optional.empty(), List.of(layer), "amd64", Optional.of(PYTHON), second);
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));

        JsonNode check = config(first).get("config").get("Healthcheck");
        assertEquals(List.of("Test", "Interval", "Timeout", "StartPeriod", "Retries"), names(check));
        assertEquals(PYTHON.test(), strings(check.get("Test")));
        assertEquals(30_000_000_000L, check.get("Interval").asLong());
        assertEquals(10_000_000_000L, check.get("Timeout").asLong());
        assertEquals(40_000_000_000L, check.get("StartPeriod").asLong());
        assertEquals(3, check.get("Retries").asInt());
    }

    @Test
    void aChildsCheckReplacesItsParentsWhereItWas() throws IOException {
        Path parent = dir.resolve("parent.tar");
        BaseArchive.write(Optional.empty(), List.of(layer("a")), "amd64", Optional.of(PYTHON), parent);
        Path child = dir.resolve("child.tar");
        BaseArchive.write(Optional.of(parent), List.of(layer("b")), "amd64", Optional.of(WGET), child);
        JsonNode parentConfig = config(parent).get("config");
        JsonNode childConfig = config(child).get("config");
        assertEquals(names(parentConfig), names(childConfig), "the same keys in the same order");
        assertEquals(WGET.test(), strings(childConfig.get("Healthcheck").get("Test")));

        Path none = dir.resolve("none.tar");
        BaseArchive.write(Optional.of(parent), List.of(layer("b")), "amd64", Optional.empty(), none);
        assertEquals(PYTHON.test(), strings(config(none).get("config").get("Healthcheck").get("Test")),
                "without a check of its own, the parent's stays");
    }

    private BaseArchive.Layer layer(String content) throws IOException {
        Path gzip = dir.resolve(content + ".tar.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzip))) {
            out.write(content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return new BaseArchive.Layer(gzip, "sha256:" + content.repeat(64),
                "sha256:" + dev.slipway.images.Sha256.hex(gzip),
                Files.size(gzip), "test layer " + content);
    }

    private static JsonNode config(Path tarball) throws IOException {
        try (InputStream in = Files.newInputStream(tarball)) {
            return JsonMapper.builder().build()
                    .readTree(TarMember.read(in, "config.json", 1 << 20).orElseThrow());
        }
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }
}
