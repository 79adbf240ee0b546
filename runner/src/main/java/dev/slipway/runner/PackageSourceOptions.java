package dev.slipway.runner;

import dev.slipway.images.packages.PackageSources;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --debian-mirror}, {@code --keyring} and {@code --wheels}, shared by {@code lock} and {@code build}; never a host in code. */
public final class PackageSourceOptions {

    @Option(names = "--debian-mirror", paramLabel = "URL|DIR",
            description = "Debian mirror: http(s)://, file:// or a directory, as an archive (dists/SUITE/...) or a "
                    + "flat repository (Packages beside the .debs). Its InRelease (or Release + Release.gpg) must be "
                    + "signed by a key of the keyring; prefix it with " + PackageSources.UNSIGNED_MARKER + " to read "
                    + "a repository nothing signs (e.g. unsigned:./repo). Default: $"
                    + PackageSources.DEBIAN_MIRROR_VARIABLE + "; for build, else the mirror each lock names.")
    String debianMirror;

    @Option(names = {"--keyring", "--debian-keyring"}, paramLabel = "FILE",
            description = "OpenPGP keyring (binary or armoured) the Debian mirror's Release must be signed by. "
                    + "Default: $" + PackageSources.DEBIAN_KEYRING_VARIABLE
                    + ", else /usr/share/keyrings/debian-archive-keyring.gpg (package debian-archive-keyring).")
    String keyring;

    @Option(names = "--wheels", paramLabel = "URL|DIR",
            description = "Wheels: a PEP 503 simple index URL or a directory of .whl files. Default: $"
                    + PackageSources.WHEELS_VARIABLE + ".")
    String wheels;

    public PackageSources sources() {
        try {
            return PackageSources.configured(Optional.ofNullable(debianMirror), Optional.ofNullable(keyring),
                    Optional.ofNullable(wheels), System.getenv(), Path.of("").toAbsolutePath());
        } catch (IllegalArgumentException e) {
            throw new UserError("--debian-mirror/--keyring/--wheels: " + e.getMessage());
        }
    }
}
