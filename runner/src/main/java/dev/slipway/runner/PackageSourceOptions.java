package dev.slipway.runner;

import dev.slipway.locks.PackageSources;
import java.nio.file.Path;
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
            description = "Wheels: a PEP 503 simple index URL or a directory of .whl files. Default: $"
                    + PackageSources.WHEELS_VARIABLE + ".")
    String wheels;

    public PackageSources sources() {
        for (String value : new String[] {debianMirror, wheels}) {
            if (value != null && value.matches("[A-Za-z][A-Za-z0-9+.-]*://.*") && !value.matches("(?i)(https?|file)://.*")) {
                throw new UserError("--debian-mirror/--wheels: '" + value + "' has a scheme Slipway cannot read; "
                        + "expected http(s)://, file:// or a directory");
            }
        }
        try {
            return PackageSources.configured(Optional.ofNullable(debianMirror), Optional.ofNullable(wheels),
                    System.getenv(), Path.of("").toAbsolutePath());
        } catch (IllegalArgumentException e) {
            throw new UserError("--debian-mirror/--wheels: " + e.getMessage());
        }
    }
}
