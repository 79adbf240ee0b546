package dev.slipway.packages.debian;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where packages come from: a mirror base ({@code http://deb.example/debian}, {@code https://…},
 * {@code file:///srv/debian} or a local directory), a suite, components and one architecture.
 *
 * <p>A suite ending in {@code /} (conventionally {@code ./}) is a flat repository, as apt writes
 * it ({@code deb file:/srv/repo ./}): {@code Packages} sits in that directory and there are no
 * components. Configuration only; nothing here touches the network.
 */
public record DebianSource(URI mirror, String suite, List<String> components, String architecture) {

    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+\\-]*");

    public DebianSource {
        Objects.requireNonNull(mirror, "mirror");
        Objects.requireNonNull(suite, "suite");
        components = List.copyOf(components);
        String scheme = mirror.getScheme();
        if (scheme == null || !List.of("http", "https", "file").contains(scheme)) {
            throw new IllegalArgumentException("mirror must be http://, https:// or file://, got " + mirror);
        }
        if (mirror.toString().contains(" ")) {
            throw new IllegalArgumentException("mirror must not contain spaces: " + mirror);
        }
        if (architecture == null || !WORD.matcher(architecture).matches()) {
            throw new IllegalArgumentException("invalid architecture '" + architecture + "'");
        }
        if (suite.endsWith("/")) {
            if (!components.isEmpty()) {
                throw new IllegalArgumentException("a flat repository (suite '" + suite + "') has no components");
            }
        } else {
            if (!WORD.matcher(suite).matches()) {
                throw new IllegalArgumentException("invalid suite '" + suite + "'");
            }
            if (components.isEmpty()) {
                throw new IllegalArgumentException("suite " + suite + " needs at least one component, e.g. main");
            }
            for (String c : components) {
                if (!WORD.matcher(c).matches()) {
                    throw new IllegalArgumentException("invalid component '" + c + "'");
                }
            }
        }
        // one canonical form, so equal sources write equal locks
        String text = mirror.toString();
        mirror = URI.create(text.endsWith("/") ? text : text + "/");
    }

    /** A suite of a Debian-style archive: {@code dists/SUITE/COMPONENT/binary-ARCH/Packages}. */
    public static DebianSource archive(String mirror, String suite, List<String> components, String architecture) {
        return new DebianSource(toUri(mirror), suite, components, architecture);
    }

    /** A flat repository (e.g. made by {@code dpkg-scanpackages . > Packages}) at {@code mirror}. */
    public static DebianSource flat(String mirror, String architecture) {
        return new DebianSource(toUri(mirror), "./", List.of(), architecture);
    }

    public boolean isFlat() {
        return suite.endsWith("/");
    }

    /** Directories (relative to the mirror) that hold a {@code Packages} index, one per component. */
    List<String> indexDirectories() {
        if (isFlat()) {
            return List.of(suite.equals("./") ? "" : suite);
        }
        return components.stream().map(c -> "dists/" + suite + "/" + c + "/binary-" + architecture + "/").toList();
    }

    /** The directory (relative to the mirror) whose Release lists the indexes: {@code dists/SUITE/}, or the flat one. */
    String releaseDirectory() {
        return isFlat() ? (suite.equals("./") ? "" : suite) : "dists/" + suite + "/";
    }

    /** How messages name this source: {@code suite bookworm, main, amd64}. */
    public String describe() {
        return isFlat()
                ? "flat repository " + mirror + ", " + architecture
                : "suite " + suite + ", " + String.join(" ", components) + ", " + architecture;
    }

    private static URI toUri(String mirror) {
        Objects.requireNonNull(mirror, "mirror");
        if (mirror.startsWith("http://") || mirror.startsWith("https://") || mirror.startsWith("file:")) {
            return URI.create(mirror);
        }
        return Path.of(mirror).toAbsolutePath().normalize().toUri();
    }

    /** The one-line form used in lock files: {@code MIRROR SUITE [COMPONENT…] ARCH}. */
    String toLine() {
        return mirror + " " + suite + (components.isEmpty() ? "" : " " + String.join(" ", components)) + " "
                + architecture;
    }

    static DebianSource fromLine(String line) {
        String[] parts = line.strip().split("\\s+");
        if (parts.length < 3) {
            throw new IllegalArgumentException("source line needs MIRROR SUITE [COMPONENT...] ARCH: '" + line + "'");
        }
        List<String> components = List.of(parts).subList(2, parts.length - 1);
        return new DebianSource(URI.create(parts[0]), parts[1], components, parts[parts.length - 1]);
    }
}
