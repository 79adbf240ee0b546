package dev.slipway.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Debian packages fetched with Debian's own client ({@code apt-get download}) into a cache directory that outlives
 * the test run, and unpacked with {@code dpkg-deb -x}. Needs {@code apt-get update} to have run once.
 */
public final class DebianPackages {

    /** System property naming the cache directory; default {@code ${java.io.tmpdir}/slipway-testkit-debs}. */
    public static final String CACHE_PROPERTY = "slipway.testkit.debs";

    private static final Pattern PACKAGE_NAME = Pattern.compile("[a-z0-9][a-z0-9+.-]+");
    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration EXTRACT_TIMEOUT = Duration.ofMinutes(2);

    private final Path cacheDir;

    private DebianPackages(Path cacheDir) {
        this.cacheDir = cacheDir.toAbsolutePath().normalize();
    }

    /** The cache named by {@value #CACHE_PROPERTY}, or {@code ${java.io.tmpdir}/slipway-testkit-debs}. */
    public static DebianPackages inDefaultCache() {
        String configured = System.getProperty(CACHE_PROPERTY);
        return inCache(configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of(System.getProperty("java.io.tmpdir"), "slipway-testkit-debs"));
    }

    public static DebianPackages inCache(Path cacheDir) {
        return new DebianPackages(cacheDir);
    }

    public Path cacheDir() {
        return cacheDir;
    }

    /**
     * The {@code .deb} of the candidate version of {@code packageName} for this machine's architecture, downloaded
     * once; later calls (and later test runs) return the cached file.
     */
    public Path download(String packageName) {
        requirePackageName(packageName);
        Optional<Path> cached = cached(packageName);
        if (cached.isPresent()) {
            return cached.get();
        }
        try {
            Files.createDirectories(cacheDir);
            // download beside the cache and move in atomically, so a concurrent run never sees half a file
            Path staging = Files.createTempDirectory(cacheDir, ".download-" + packageName + "-");
            try {
                CommandLine.of("apt-get", "-o", "APT::Sandbox::User=root", "download", packageName)
                        .in(staging).run(DOWNLOAD_TIMEOUT).requireSuccess();
                List<Path> debs = debsOf(staging, packageName);
                if (debs.size() != 1) {
                    throw new IllegalStateException("apt-get download " + packageName + " left " + debs
                            + " in " + staging + "; expected exactly one .deb");
                }
                Path target = cacheDir.resolve(debs.get(0).getFileName());
                Files.move(debs.get(0), target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return target;
            } finally {
                ScratchDirectory.deleteTree(staging);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot download Debian package " + packageName + " into " + cacheDir, e);
        }
    }

    /** Unpacks the files of {@code packageName} (its data, not its maintainer scripts) into {@code targetDir}. */
    public Path extract(String packageName, Path targetDir) {
        Path deb = download(packageName);
        try {
            Files.createDirectories(targetDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + targetDir, e);
        }
        CommandLine.of("dpkg-deb", "-x", deb.toString(), targetDir.toString()).run(EXTRACT_TIMEOUT).requireSuccess();
        return targetDir;
    }

    private Optional<Path> cached(String packageName) {
        if (!Files.isDirectory(cacheDir)) {
            return Optional.empty();
        }
        List<Path> debs = debsOf(cacheDir, packageName);
        return debs.isEmpty() ? Optional.empty() : Optional.of(debs.get(debs.size() - 1));
    }

    /** Files named {@code NAME_VERSION_ARCH.deb}; package names cannot contain '_', so the prefix is exact. */
    private static List<Path> debsOf(Path dir, String packageName) {
        List<Path> debs = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, packageName + "_*.deb")) {
            files.forEach(debs::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        debs.sort(null);
        return debs;
    }

    private static void requirePackageName(String name) {
        if (!PACKAGE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a Debian package name: '" + name + "'");
        }
    }
}
