package dev.slipway.packages.debian;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Debian archive made with Debian's own tools, as a mirror publishes one: the Packages file compressed with
 * {@code xz}, the Release written by {@code apt-ftparchive release}, signed by {@code gpg} with a key made in a
 * private GNUPGHOME ({@code InRelease} with {@code --clearsign}, {@code Release.gpg} with {@code --detach-sign}).
 */
final class SignedTestArchive {

    final Path gnupgHome;
    final String fingerprint;
    final Path keyring;
    private final String fakedTime;

    private SignedTestArchive(Path gnupgHome, String fingerprint, Path keyring, String fakedTime) {
        this.gnupgHome = gnupgHome;
        this.fingerprint = fingerprint;
        this.keyring = keyring;
        this.fakedTime = fakedTime;
    }

    /** A new signing key ({@code algorithm}: gpg's "default", "ed25519"...), optionally made at a faked time. */
    static SignedTestArchive newKey(Path dir, String algorithm, String expire, String fakedTime)
            throws IOException, InterruptedException {
        Path home = Files.createDirectories(dir.resolve("gnupg"));
        Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        List<String> gen = new ArrayList<>(
                List.of("gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", ""));
        if (fakedTime != null) {
            gen.addAll(List.of("--faked-system-time", fakedTime));
        }
        gen.addAll(List.of("--quick-gen-key", "Slipway Test Archive <archive@slipway.invalid>", algorithm, "sign",
                expire));
        gpg(home, dir, gen.toArray(String[]::new));
        String fingerprint = null;
        for (String line : gpg(home, dir, "gpg", "--batch", "--with-colons", "--list-keys").split("\n")) {
            if (line.startsWith("fpr:")) {
                fingerprint = line.split(":")[9];
                break;
            }
        }
        Path keyring = dir.resolve("archive-keyring.gpg");
        gpg(home, dir, "gpg", "--batch", "--yes", "--output", keyring.toString(), "--export");
        return new SignedTestArchive(home, fingerprint, keyring, fakedTime);
    }

    /**
     * Writes {@code dists/SUITE/main/binary-amd64/Packages.xz} and a signed Release for it below {@code mirror}.
     *
     * @param validSeconds Valid-Until as seconds from now (negative: already expired, Date a week back), or null
     */
    Path publish(Path mirror, String suite, String packages, Integer validSeconds, boolean inRelease, boolean detached)
            throws IOException, InterruptedException {
        Path dists = Files.createDirectories(mirror.resolve("dists").resolve(suite));
        Path binary = Files.createDirectories(dists.resolve("main/binary-amd64"));
        Files.writeString(binary.resolve("Packages"), packages, StandardCharsets.UTF_8);
        gpg(gnupgHome, binary, "xz", "-k", "-f", "Packages");
        Files.delete(binary.resolve("Packages"));
        List<String> release = new ArrayList<>(List.of("apt-ftparchive",
                "-o", "APT::FTPArchive::Release::Suite=" + suite, "-o", "APT::FTPArchive::Release::Codename=" + suite,
                "-o", "APT::FTPArchive::Release::Architectures=amd64", "-o",
                "APT::FTPArchive::Release::Components=main"));
        if (validSeconds != null) {
            release.addAll(List.of("-o", "APT::FTPArchive::Release::ValidTime=" + validSeconds));
            if (validSeconds < 0) {
                String weekAgo = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                        java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).minusDays(7));
                release.addAll(List.of("-o", "APT::FTPArchive::Release::Date=" + weekAgo));
            }
        }
        release.addAll(List.of("release", "."));
        Files.writeString(dists.resolve("Release"), gpg(gnupgHome, dists, release.toArray(String[]::new)));
        sign(dists, inRelease, detached);
        return dists;
    }

    /** (Re-)signs {@code dists/SUITE/Release}; the Release itself is removed when only InRelease is wanted. */
    void sign(Path dists, boolean inRelease, boolean detached) throws IOException, InterruptedException {
        if (inRelease) {
            gpg(gnupgHome, dists, signing("--clearsign", "--output", "InRelease", "Release"));
        }
        if (detached) {
            gpg(gnupgHome, dists, signing("--armor", "--detach-sign", "--output", "Release.gpg", "Release"));
        } else {
            Files.delete(dists.resolve("Release"));
        }
    }

    private String[] signing(String... what) {
        List<String> command = new ArrayList<>(List.of("gpg", "--batch", "--yes", "--pinentry-mode", "loopback",
                "--passphrase", "", "--digest-algo", "SHA512", "--local-user", fingerprint));
        if (fakedTime != null) {
            // a key made at a faked time signs at that time, while it was still valid
            command.addAll(List.of("--faked-system-time", fakedTime));
        }
        command.addAll(List.of(what));
        return command.toArray(String[]::new);
    }

    static String gpg(Path home, Path dir, String... command) throws IOException, InterruptedException {
        Path errors = Files.createTempFile("slipway-gpg", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectError(errors.toFile());
            builder.environment().put("GNUPGHOME", home.toString());
            Process p = builder.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + Files.readString(errors));
            }
            return out;
        } finally {
            Files.delete(errors);
        }
    }

    /** Stops the gpg-agent this GNUPGHOME started, so no process outlives the test. */
    void close() throws IOException, InterruptedException {
        gpg(gnupgHome, gnupgHome, "gpgconf", "--kill", "gpg-agent");
    }
}
