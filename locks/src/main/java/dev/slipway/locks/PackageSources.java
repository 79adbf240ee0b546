package dev.slipway.locks;

import dev.slipway.dsl.DebianSuite;
import dev.slipway.packages.debian.DebianSource;
import dev.slipway.packages.debian.PackageIndex;
import dev.slipway.packages.python.WheelSource;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where Debian packages and wheels come from: configuration, never part of a definition. A Debian mirror is an
 * http(s):// or file: URL or a directory, holding either a Debian archive ({@code dists/SUITE/…}) or a flat
 * repository ({@code Packages} beside the .debs, as {@code dpkg-scanpackages} writes it). Wheels come from simple
 * index URLs (PEP 691 or PEP 503) or directories of .whl files, searched in order; none configured, a wheel lock's
 * own {@code --index-url}/{@code --extra-index-url} lines are used.
 */
public record PackageSources(Optional<URI> debianMirror, List<WheelSource> wheels) {
    public static final String DEBIAN_MIRROR_VARIABLE = "SLIPWAY_DEBIAN_MIRROR";
    public static final String WHEELS_VARIABLE = "SLIPWAY_WHEELS";

    public static final PackageSources NONE = new PackageSources(Optional.empty(), List.of());

    public PackageSources {
        wheels = List.copyOf(wheels);
    }

    /**
     * Options win over the environment ({@value #WHEELS_VARIABLE} may list several, separated by spaces); blank
     * means unset. Relative directories resolve against {@code workingDirectory}.
     */
    public static PackageSources configured(Optional<String> debianMirror, List<String> wheels,
            Map<String, String> environment, Path workingDirectory) {
        Optional<String> mirror = nonBlank(debianMirror).or(() -> nonBlank(Optional.ofNullable(
                environment.get(DEBIAN_MIRROR_VARIABLE))));
        List<String> given = wheels.stream().map(String::strip).filter(w -> !w.isEmpty()).toList();
        if (given.isEmpty()) {
            given = List.of(environment.getOrDefault(WHEELS_VARIABLE, "").strip().split("\\s+")).stream()
                    .filter(w -> !w.isEmpty()).toList();
        }
        return new PackageSources(mirror.map(m -> location(m, workingDirectory)),
                given.stream().map(w -> wheelSource(w, workingDirectory)).toList());
    }

    /** Where a wheel lock's wheels come from: the configured sources, else the indexes the lock names. */
    public List<WheelSource> wheelsFor(List<String> lockIndexes, Path fleetDirectory) {
        if (!wheels.isEmpty()) {
            return wheels;
        }
        return lockIndexes.stream().map(i -> wheelSource(i, fleetDirectory)).toList();
    }

    /** {@code http(s)://…} and {@code file:…} as given; anything else is a directory. */
    public static URI location(String text, Path workingDirectory) {
        if (text.startsWith("http://") || text.startsWith("https://") || text.startsWith("file:")) {
            URI uri = URI.create(text);
            if (uri.isOpaque()) {
                // file:relative/dir, as a lock may name a repository inside the fleet directory
                return workingDirectory.resolve(uri.getSchemeSpecificPart()).toAbsolutePath().normalize().toUri();
            }
            return uri;
        }
        return workingDirectory.resolve(text).toAbsolutePath().normalize().toUri();
    }

    public static WheelSource wheelSource(String text, Path workingDirectory) {
        if (text.startsWith("http://") || text.startsWith("https://")) {
            return WheelSource.index(text);
        }
        return WheelSource.directory(Path.of(location(text, workingDirectory)));
    }

    private static Optional<String> nonBlank(Optional<String> value) {
        return value.map(String::strip).filter(v -> !v.isEmpty());
    }

    /**
     * The index of {@code suite} at the configured mirror: the archive layout if it has one, else a flat repository
     * at the mirror's root (whose packages must then be of the suite's architecture or "all").
     */
    public PackageIndex loadIndex(DebianSuite suite) throws IOException {
        URI mirror = debianMirror.orElseThrow(() -> new IllegalStateException("no Debian mirror configured"));
        List<String> tried = new ArrayList<>();
        for (DebianSource source : List.of(
                DebianSource.archive(mirror.toString(), suite.suite(), suite.components(), suite.architecture()),
                DebianSource.flat(mirror.toString(), suite.architecture()))) {
            try {
                return PackageIndex.load(source);
            } catch (FileNotFoundException e) {
                tried.add(e.getMessage());
            }
        }
        throw new FileNotFoundException("no Packages index at " + mirror + " for " + suite + ": tried "
                + String.join("; ", tried));
    }
}
