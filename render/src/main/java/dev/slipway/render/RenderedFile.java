package dev.slipway.render;

import java.nio.charset.StandardCharsets;

/** One file of a rendering: its name inside the output and its exact bytes. */
public record RenderedFile(String name, byte[] content) {

    public RenderedFile {
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    public String text() {
        return new String(content, StandardCharsets.UTF_8);
    }
}
