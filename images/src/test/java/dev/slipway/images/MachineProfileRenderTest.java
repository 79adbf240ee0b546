package dev.slipway.images;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.slipway.images.steps.MachineProfileLayerStep;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code /etc/machine-profile.json} is part of every service image, so its bytes may never change: the streaming
 * renderer must write exactly what the data-binding writer it replaced wrote, for any profile.
 */
class MachineProfileRenderTest {
    private static final ObjectWriter BEFORE = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build()
            .writer(new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n")));

    private static String before(Map<String, String> profile) throws Exception {
        return BEFORE.writeValueAsString(profile) + "\n";
    }

    private static String now(Map<String, String> profile) {
        return new String(MachineProfileLayerStep.render(profile), StandardCharsets.UTF_8);
    }

    @Test
    void writesTheSameBytesAsTheDataBindingWriter() throws Exception {
        List<Map<String, String>> profiles = List.of(
                Map.of(),
                Map.of("machine", "mainpc"),
                Map.of("machine", "pc2", "OMP_NUM_THREADS", "4", "UVICORN_WORKERS", "2", "gpu", "RTX 4090 24GB"),
                Map.of("quote\"", "back\\slash", "control", "tab\tnew\nline\r\u0001\u001f", "unicode", "ünï ☃ \u2028"),
                Map.of("b", "", "a", "/slash/", "", "empty key"));
        for (Map<String, String> profile : profiles) {
            assertEquals(before(profile), now(profile), profile.toString());
        }
    }

    @Test
    void writesTheSameBytesForRandomProfiles() throws Exception {
        Random random = new Random(20261123);
        for (int i = 0; i < 500; i++) {
            Map<String, String> profile = new HashMap<>();
            int entries = random.nextInt(8);
            for (int e = 0; e < entries; e++) {
                profile.put(randomText(random), randomText(random));
            }
            assertEquals(before(profile), now(profile), profile.toString());
        }
    }

    private static String randomText(Random random) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(12);
        for (int c = 0; c < length; c++) {
            int kind = random.nextInt(10);
            text.appendCodePoint(kind == 0
                    ? random.nextInt(0x20)
                    : kind == 1
                            ? 0x80 + random.nextInt(0x2000)
                            : kind == 2 ? "\"\\/".charAt(random.nextInt(3)) : 0x20 + random.nextInt(0x5f));
        }
        return text.toString();
    }
}
