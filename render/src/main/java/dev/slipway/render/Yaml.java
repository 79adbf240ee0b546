package dev.slipway.render;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;
import java.nio.charset.StandardCharsets;

/** The one YAML writer of renderings: plain scalars where YAML allows (numbers and words YAML would read otherwise are quoted), keys of maps sorted, so equal input is equal bytes. */
public final class Yaml {
    private static final YAMLMapper MAPPER = YAMLMapper.builder()
            .enable(YAMLWriteFeature.MINIMIZE_QUOTES)
            // a label value "1" must stay a string: Kubernetes refuses a number where it expects one
            .enable(YAMLWriteFeature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
            .disable(YAMLWriteFeature.SPLIT_LINES)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private Yaml() {
    }

    public static byte[] write(Object value) {
        String text = MAPPER.writeValueAsString(value);
        return (text.endsWith("\n") ? text : text + "\n").getBytes(StandardCharsets.UTF_8);
    }

    public static YAMLMapper mapper() {
        return MAPPER;
    }
}
