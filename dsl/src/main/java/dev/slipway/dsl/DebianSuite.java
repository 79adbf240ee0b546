package dev.slipway.dsl;

import java.util.List;

/**
 * A Debian suite a family's packages come from, e.g. {@code DebianSuite.BOOKWORM}. Which mirror serves it is
 * deployment configuration ({@code --debian-mirror}), never part of the definition.
 */
public record DebianSuite(String suite, List<String> components, String architecture) {
    public static final DebianSuite BOOKWORM = new DebianSuite("bookworm", List.of("main"), "amd64");

    public DebianSuite {
        components = List.copyOf(components);
    }

    @Override
    public String toString() {
        return suite + " " + String.join(" ", components) + " " + architecture;
    }
}
