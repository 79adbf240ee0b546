package dev.slipway.packages.python;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** {@code name==version} with the SHA-256 hashes its wheels may have. */
public record WheelRequirement(String name, String version, List<String> sha256) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.+!_-]*");
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

    public WheelRequirement {
        name = normalise(name);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid project name '" + name + "'");
        }
        if (version == null || !VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException(name + ": invalid pinned version '" + version + "'");
        }
        sha256 = sha256.stream().sorted().distinct().toList();
        if (sha256.isEmpty()) {
            throw new IllegalArgumentException(name + "==" + version + " has no --hash=sha256:…");
        }
        for (String h : sha256) {
            if (!HASH.matcher(h).matches()) {
                throw new IllegalArgumentException(name + "==" + version + ": invalid sha256 '" + h + "'");
            }
        }
    }

    /** PEP 503 normalisation: {@code Foo.Bar_baz} → {@code foo-bar-baz}. */
    public static String normalise(String name) {
        if (name == null) {
            throw new IllegalArgumentException("project name missing");
        }
        return name.strip().toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
    }

    /** {@link #normalise} for names that may be empty (an extra). */
    static String normaliseLoose(String name) {
        return name.strip().toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
    }

    @Override
    public String toString() {
        return name + "==" + version;
    }
}
