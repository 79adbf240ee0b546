package dev.slipway.packages.debian;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/** One stanza of a {@code Packages} index: what the resolver and the lock need to know. */
public record DebianPackage(
        String name,
        DebianVersion version,
        String architecture,
        List<List<Relation>> depends,
        List<List<Relation>> preDepends,
        List<Relation> provides,
        String filename,
        long size,
        String sha256,
        boolean essential,
        String priority,
        String multiArch) {

    static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9+.\\-]+");

    public DebianPackage {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(architecture, "architecture");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid package name '" + name + "'");
        }
        depends = List.copyOf(depends);
        preDepends = List.copyOf(preDepends);
        provides = List.copyOf(provides);
        if (filename == null || filename.isBlank()) {
            throw new IllegalArgumentException("package " + name + " has no Filename");
        }
        if (size < 0) {
            throw new IllegalArgumentException("package " + name + " has a negative Size");
        }
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("package " + name + " has no valid SHA256");
        }
        priority = priority == null ? "" : priority;
        multiArch = multiArch == null ? "" : multiArch;
    }

    /** Pre-Depends first, as dpkg unpacks them first. */
    public List<List<Relation>> allDependencies() {
        return java.util.stream.Stream.concat(preDepends.stream(), depends.stream()).toList();
    }

    @Override
    public String toString() {
        return name + " " + version + " " + architecture;
    }
}
