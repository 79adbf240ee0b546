package dev.slipway.locks;

import dev.slipway.dsl.Family;
import dev.slipway.packages.debian.DebianLock;
import dev.slipway.packages.debian.DebianSource;
import java.net.URI;
import java.nio.file.Path;

/**
 * Where a family's lock lives ({@code <fleet dir>/locks/<family>.debian.lock}) and how its {@code source} line
 * names the mirror: a repository inside the fleet directory is written relative to it ({@code file:.debian-repo/}),
 * so a lock made from a checkout's own repository reads the same in every checkout. The mirror a lock names is only
 * the default; a configured mirror ({@code --debian-mirror}) wins, since file name and SHA-256 are what is pinned.
 */
public final class FamilyLocks {
    public static final String DIRECTORY = "locks";
    public static final String DEBIAN_SUFFIX = ".debian.lock";

    private FamilyLocks() {
    }

    public static Path debianLock(Path fleetDirectory, Family family) {
        return debianLock(fleetDirectory, family.name());
    }

    public static Path debianLock(Path fleetDirectory, String family) {
        return fleetDirectory.resolve(DIRECTORY).resolve(family + DEBIAN_SUFFIX);
    }

    /**
     * The fully pinned list ({@code name==version} per line, as {@code pip freeze} prints it) that {@code lock}
     * makes a wheel lock from: {@code locks/x.requirements.lock} is made from {@code locks/x.requirements.txt}.
     */
    public static Path pinnedRequirements(Path wheelLock) {
        String name = wheelLock.getFileName().toString();
        String stem = name.endsWith(".lock") ? name.substring(0, name.length() - ".lock".length()) : name;
        return wheelLock.resolveSibling(stem + ".txt");
    }

    /** The source as a lock records it: a mirror below the fleet directory becomes relative to it. */
    public static DebianSource recorded(DebianSource source, Path fleetDirectory) {
        URI mirror = source.mirror();
        if (!"file".equals(mirror.getScheme()) || mirror.isOpaque()) {
            return source;
        }
        Path directory = Path.of(mirror).toAbsolutePath().normalize();
        Path base = fleetDirectory.toAbsolutePath().normalize();
        if (!directory.startsWith(base)) {
            return source;
        }
        String relative = base.relativize(directory).toString().replace('\\', '/');
        return new DebianSource(URI.create("file:" + (relative.isEmpty() ? "." : relative) + "/"), source.suite(),
                source.components(), source.architecture());
    }

    /** The lock with the mirror build fetches from: the configured one, else the lock's own (made absolute). */
    public static DebianLock forFetching(DebianLock lock, PackageSources sources, Path fleetDirectory) {
        DebianSource locked = lock.source();
        URI mirror = sources.debianMirror()
                .orElseGet(() -> PackageSources.location(locked.mirror().toString(), fleetDirectory));
        DebianSource source = new DebianSource(mirror, locked.suite(), locked.components(), locked.architecture());
        return new DebianLock(lock.family(), source, lock.provenance(), lock.packages());
    }
}
