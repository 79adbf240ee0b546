package dev.slipway.packages.debian;

import java.util.Objects;

/** One pinned package: exactly which file, how big, and its SHA-256. */
public record LockedPackage(String name, DebianVersion version, String architecture, String filename,
        long size, String sha256) implements Comparable<LockedPackage> {

    public LockedPackage {
        Objects.requireNonNull(version, "version");
        if (name == null || !DebianPackage.NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid package name '" + name + "'");
        }
        if (architecture == null || architecture.isBlank() || architecture.contains(" ")) {
            throw new IllegalArgumentException("invalid architecture for " + name + ": '" + architecture + "'");
        }
        if (filename == null || filename.isBlank() || filename.chars().anyMatch(Character::isWhitespace)
                || filename.startsWith("/") || filename.contains("..")) {
            throw new IllegalArgumentException("invalid filename for " + name + ": '" + filename + "'");
        }
        if (size < 0) {
            throw new IllegalArgumentException("negative size for " + name);
        }
        if (sha256 == null || !DebianPackage.SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("invalid sha256 for " + name + ": '" + sha256 + "'");
        }
    }

    static LockedPackage of(DebianPackage p) {
        return new LockedPackage(p.name(), p.version(), p.architecture(), p.filename(), p.size(), p.sha256());
    }

    @Override
    public int compareTo(LockedPackage o) {
        int c = name.compareTo(o.name);
        return c != 0 ? c : architecture.compareTo(o.architecture);
    }
}
