package dev.slipway.runner;

import dev.slipway.locks.PackageSources;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --debian-mirror} and {@code --wheels}, shared by {@code lock} and {@code build}; never a host in code. */
public final class PackageSourceOptions {

    @Option(names = "--debian-mirror", paramLabel = "URL|DIR",
            description = "Debian mirror: http(s)://, file:// or a directory, as an archive (dists/SUITE/...) or a "
                    + "flat repository (Packages beside the .debs). Default: $" + PackageSources.DEBIAN_MIRROR_VARIABLE
                    + "; for build, else the mirror each lock names.")
    String debianMirror;

    @Option(names = "--wheels", paramLabel = "URL|DIR",
            description = "Wheels: a simple index URL (PEP 691 JSON or PEP 503 HTML) or a directory of .whl files; "
                    + "repeat for several, searched in order. Default: $" + PackageSources.WHEELS_VARIABLE
                    + " (space-separated), else the --index-url/--extra-index-url lines of each lock or pinned list.")
    List<String> wheels = new ArrayList<>();

    public PackageSources sources() {
        List<String> given = new ArrayList<>(wheels);
        given.add(debianMirror);
        for (String value : given) {
            if (value != null && value.matches("[A-Za-z][A-Za-z0-9+.-]*://.*") && !value.matches("(?i)(https?|file)://.*")) {
                throw new UserError("--debian-mirror/--wheels: '" + value + "' has a scheme Slipway cannot read; "
                        + "expected http(s)://, file:// or a directory");
            }
        }
        try {
            return PackageSources.configured(Optional.ofNullable(debianMirror), wheels,
                    System.getenv(), Path.of("").toAbsolutePath());
        } catch (IllegalArgumentException e) {
            throw new UserError("--debian-mirror/--wheels: " + e.getMessage());
        }
    }
}
