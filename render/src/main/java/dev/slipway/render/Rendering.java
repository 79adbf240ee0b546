package dev.slipway.render;

import java.util.List;

/** What a renderer made: its files in a fixed order, and warnings a user should read (an image pinned by tag). */
public record Rendering(List<RenderedFile> files, List<String> warnings) {

    public Rendering {
        files = List.copyOf(files);
        warnings = List.copyOf(warnings);
    }

    public RenderedFile file(String name) {
        return files.stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no file " + name + " in the rendering"));
    }
}
