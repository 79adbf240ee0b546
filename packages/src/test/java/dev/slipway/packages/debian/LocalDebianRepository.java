package dev.slipway.packages.debian;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A flat Debian repository made with Debian's own tools: {@code apt-get download} of the real
 * closure (as apt computes it) into a cache under {@code java.io.tmpdir}, then
 * {@code dpkg-scanpackages . /dev/null > Packages} in a fresh copy.
 */
final class LocalDebianRepository {

    static final List<String> ROOTS = List.of("python3-minimal", "tini", "mount", "ca-certificates");
    static final Path CACHE = Path.of(System.getProperty("java.io.tmpdir"), "slipway-debs-cache");

    private LocalDebianRepository() {
    }

    static String run(Path dir, String... command) throws IOException, InterruptedException {
        Path errors = Files.createTempFile("slipway-stderr", ".txt");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectError(errors.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IOException(
                        String.join(" ", command) + " failed with " + p.exitValue() + ": " + Files.readString(errors));
            }
            return out;
        } finally {
            Files.delete(errors);
        }
    }

    /** The package names apt would install for {@link #ROOTS}, alternatives and all. */
    private static List<String> closureByApt() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("apt-cache", "depends", "--recurse", "--no-recommends",
                "--no-suggests", "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances"));
        command.addAll(ROOTS);
        TreeSet<String> names = new TreeSet<>();
        for (String line : run(CACHE, command.toArray(String[]::new)).split("\n")) {
            if (!line.isBlank() && !line.startsWith(" ") && !line.startsWith("<")) {
                names.add(line.strip());
            }
        }
        return List.copyOf(names);
    }

    /** Fills the cache (downloading only what is missing) and returns a fresh flat repository. */
    static Path create(Path parent) throws IOException, InterruptedException {
        Files.createDirectories(CACHE);
        List<String> missing = new ArrayList<>();
        try {
            for (String name : closureByApt()) {
                try (Stream<Path> s = Files.list(CACHE)) {
                    if (s.noneMatch(f -> f.getFileName().toString().startsWith(name + "_"))) {
                        missing.add(name);
                    }
                }
            }
            if (!missing.isEmpty()) {
                List<String> command = new ArrayList<>(List.of("apt-get", "download", "-q"));
                command.addAll(missing);
                run(CACHE, command.toArray(String[]::new));
            }
        } catch (IOException e) {
            try (Stream<Path> s = Files.list(CACHE)) {
                assumeTrue(s.count() > 10, "no apt and no cached .debs: " + e.getMessage());
            }
        }
        Path repo = Files.createDirectories(parent.resolve("repo"));
        try (Stream<Path> s = Files.list(CACHE)) {
            for (Path deb : s.filter(f -> f.toString().endsWith(".deb")).toList()) {
                Files.copy(deb, repo.resolve(deb.getFileName()));
            }
        }
        Files.writeString(repo.resolve("Packages"), run(repo, "dpkg-scanpackages", ".", "/dev/null"));
        return repo;
    }

    /** The SHA-256 of {@code file}, hex, as a lock records it. */
    static String sha256(Path file) throws IOException {
        try {
            return java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
