package dev.slipway.runner;

import dev.slipway.locks.PackageSources;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --debian-mirror}, {@code --keyring} and {@code --wheels}, shared by {@code lock} and {@code build}; never a host in code. */
public final class PackageSourceOptions {

    @Option(names = "--debian-mirror", paramLabel = "URL|DIR", description = "Debian mirror: http(s)://, file:// or a directory, as an archive (dists/SUITE/...) or a "
            + "flat repository (Packages beside the .debs). Its InRelease (or Release + Release.gpg) must be "
            + "signed by a key of the keyring; prefix it with " + PackageSources.UNSIGNED_MARKER + " to read "
            + "a repository nothing signs (e.g. unsigned:./repo). Default: $"
            + PackageSources.DEBIAN_MIRROR_VARIABLE + "; for build, else the mirror each lock names.")
    String debianMirror;

    @Option(names = {"--keyring",
            "--debian-keyring"}, paramLabel = "FILE", description = "OpenPGP keyring (binary or armoured) the Debian mirror's Release must be signed by. "
                    + "Default: $" + PackageSources.DEBIAN_KEYRING_VARIABLE
                    + ", else /usr/share/keyrings/debian-archive-keyring.gpg (package debian-archive-keyring).")
    String keyring;

    @Option(names = "--wheels", paramLabel = "URL|DIR", description = "Wheels: a simple index URL (PEP 691 JSON or PEP 503 HTML) or a directory of .whl files; "
            + "repeat for several, searched in order. Default: $" + PackageSources.WHEELS_VARIABLE
            + " (space-separated), else the --index-url/--extra-index-url lines of each lock or pinned list.")
    List<String> wheels = new ArrayList<>();

    public PackageSources sources() {
        List<String> given = new ArrayList<>(wheels);
        // unsigned:URL is checked as the URL it names
        given.add(debianMirror == null || !debianMirror.startsWith(PackageSources.UNSIGNED_MARKER)
                ? debianMirror
                : debianMirror.substring(PackageSources.UNSIGNED_MARKER.length()));
        for (String value : given) {
            if (value != null && value.matches("[A-Za-z][A-Za-z0-9+.-]*://.*")
                    && !value.matches("(?i)(https?|file)://.*")) {
                throw new UserError("--debian-mirror/--wheels: '" + value + "' has a scheme Slipway cannot read; "
                        + "expected http(s)://, file:// or a directory");
            }
        }
        try {
            return PackageSources.configured(Optional.ofNullable(debianMirror), Optional.ofNullable(keyring),
                    wheels, System.getenv(), Path.of("").toAbsolutePath());
        } catch (IllegalArgumentException e) {
            throw new UserError("--debian-mirror/--keyring/--wheels: " + e.getMessage());
        }
    }
}
