package dev.slipway.locks;

import dev.slipway.dsl.DebianSuite;
import dev.slipway.packages.debian.DebianSource;
import dev.slipway.packages.debian.IndexCheck;
import dev.slipway.packages.debian.IndexRefusedException;
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
 *
 * <p>A Debian index is believed only if its Release is signed by a key of the keyring ({@code --keyring}, else
 * {@value #DEBIAN_KEYRING_VARIABLE}, else Debian's archive keyring); a repository without a signature (a local
 * {@code dpkg-scanpackages} one) is read only when its mirror is named with the {@value #UNSIGNED_MARKER} marker.
 */
public record PackageSources(Optional<URI> debianMirror, IndexCheck debianCheck, List<WheelSource> wheels) {
    public static final String DEBIAN_MIRROR_VARIABLE = "SLIPWAY_DEBIAN_MIRROR";
    public static final String DEBIAN_KEYRING_VARIABLE = "SLIPWAY_DEBIAN_KEYRING";
    public static final String WHEELS_VARIABLE = "SLIPWAY_WHEELS";
    /** Prefix of a mirror whose index has no signature and is to be read anyway: {@code unsigned:DIR}. */
    public static final String UNSIGNED_MARKER = "unsigned:";

    public static final PackageSources NONE = new PackageSources(Optional.empty(), IndexCheck.debianArchive(),
            List.of());

    public PackageSources {
        wheels = List.copyOf(wheels);
    }

    public PackageSources(Optional<URI> debianMirror, List<WheelSource> wheels) {
        this(debianMirror, IndexCheck.debianArchive(), wheels);
    }

    public static PackageSources configured(Optional<String> debianMirror, List<String> wheels,
            Map<String, String> environment, Path workingDirectory) {
        return configured(debianMirror, Optional.empty(), wheels, environment, workingDirectory);
    }

    /**
     * Options win over the environment ({@value #WHEELS_VARIABLE} may list several, separated by spaces); blank
     * means unset. Relative directories resolve against {@code workingDirectory}. A mirror written
     * {@code unsigned:MIRROR} is read without a signature check.
     */
    public static PackageSources configured(Optional<String> debianMirror, Optional<String> keyring,
            List<String> wheels, Map<String, String> environment, Path workingDirectory) {
        Optional<String> mirror = nonBlank(debianMirror).or(() -> nonBlank(Optional.ofNullable(
                environment.get(DEBIAN_MIRROR_VARIABLE))));
        Optional<String> keyringFile = nonBlank(keyring).or(() -> nonBlank(Optional.ofNullable(
                environment.get(DEBIAN_KEYRING_VARIABLE))));
        List<String> given = wheels.stream().map(String::strip).filter(w -> !w.isEmpty()).toList();
        if (given.isEmpty()) {
            given = List.of(environment.getOrDefault(WHEELS_VARIABLE, "").strip().split("\\s+")).stream()
                    .filter(w -> !w.isEmpty()).toList();
        }
        boolean unsigned = mirror.filter(m -> m.startsWith(UNSIGNED_MARKER)).isPresent();
        // a keyring given with the mirror contradicts it; one from the environment is only a default
        if (unsigned && nonBlank(keyring).isPresent()) {
            throw new IllegalArgumentException("mirror " + mirror.get() + " is named unsigned, so no keyring ("
                    + keyring.get().strip() + ") checks it; drop one of the two");
        }
        if (unsigned && mirror.get().substring(UNSIGNED_MARKER.length()).isBlank()) {
            throw new IllegalArgumentException("'" + UNSIGNED_MARKER + "' needs the mirror after it, e.g. "
                    + UNSIGNED_MARKER + "/srv/debian-repo");
        }
        IndexCheck check = unsigned
                ? IndexCheck.unsigned()
                : keyringFile.map(k -> IndexCheck.signedBy(workingDirectory.resolve(k).toAbsolutePath().normalize()))
                        .orElse(IndexCheck.debianArchive());
        return new PackageSources(mirror.map(m -> m.substring(unsigned ? UNSIGNED_MARKER.length() : 0))
                .map(m -> location(m, workingDirectory)), check,
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
     * at the mirror's root (whose packages must then be of the suite's architecture or "all"), checked as
     * {@link #debianCheck} says.
     *
     * @throws IndexRefusedException the index cannot be believed (bad or missing signature, expired, tampered)
     */
    public PackageIndex loadIndex(DebianSuite suite) throws IOException {
        URI mirror = debianMirror.orElseThrow(() -> new IllegalStateException("no Debian mirror configured"));
        List<String> tried = new ArrayList<>();
        for (DebianSource source : List.of(
                DebianSource.archive(mirror.toString(), suite.suite(), suite.components(), suite.architecture()),
                DebianSource.flat(mirror.toString(), suite.architecture()))) {
            try {
                return PackageIndex.load(source, debianCheck);
            } catch (FileNotFoundException e) {
                tried.add(e.getMessage());
            } catch (IndexRefusedException.Unsigned e) {
                throw e.withAdvice("to read a repository that nothing signs (a local dpkg-scanpackages one), name "
                        + "it unsigned: --debian-mirror " + UNSIGNED_MARKER + mirror);
            }
        }
        throw new FileNotFoundException("no Packages index at " + mirror + " for " + suite + ": tried "
                + String.join("; ", tried));
    }
}
