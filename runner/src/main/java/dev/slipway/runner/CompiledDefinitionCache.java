package dev.slipway.runner;

import dev.slipway.images.Sha256;
import dev.slipway.images.SlipwayCache;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Class files of compiled {@code .java} definitions in {@code <slipway cache>/compiled-definitions/<key>/}, so a
 * re-run of an unchanged definition skips javac. The key covers the source bytes, the classpath javac compiled
 * against (path, size and modification time of every jar or class file: a rebuilt runner jar never meets an old
 * entry), the JDK and the compiler options. An entry is written to a temporary folder and renamed into place whole;
 * {@value #CHECKSUMS} lists the SHA-256 of every class file and an entry that does not match it is a miss. The cache
 * is an optimisation only: any failure to read or write it means compiling in memory, as without it.
 */
final class CompiledDefinitionCache {
    static final String FOLDER = "compiled-definitions";
    static final String CHECKSUMS = "classes.sha256";
    /** Entries kept; a new entry evicts the least recently used beyond this. */
    static final int MAX_ENTRIES = 100;
    private static final String FORMAT = "slipway compiled definition v1";
    private static final String TEMPORARY = ".tmp-";
    private static final Duration ABANDONED = Duration.ofHours(1);

    private final Path root;

    CompiledDefinitionCache(SlipwayCache cache) {
        this.root = cache.root().resolve(FOLDER);
    }

    Path root() {
        return root;
    }

    /** The entry name for these source bytes under this JVM and classpath. */
    static String key(byte[] source) {
        return Sha256.hex(Toolchain.FINGERPRINT + Sha256.hex(source));
    }

    /** The class files stored under {@code key}, if the entry is there and whole. */
    Optional<Map<String, byte[]>> read(String key) {
        Path entry = root.resolve(key);
        try {
            List<String> lines = Files.readAllLines(entry.resolve(CHECKSUMS), StandardCharsets.UTF_8);
            Map<String, byte[]> classes = new TreeMap<>();
            for (String line : lines) {
                // sha256sum's format: "<hex>  <file>", so `sha256sum -c` checks an entry by hand
                int gap = line.indexOf("  ");
                String fileName = gap < 0 ? "" : line.substring(gap + 2);
                String className = fileName.endsWith(".class") ? fileName.substring(0, fileName.length() - 6) : "";
                if (!isBinaryName(className)) {
                    return Optional.empty();
                }
                byte[] bytes = Files.readAllBytes(entry.resolve(fileName));
                if (!line.substring(0, gap).equals(Sha256.hex(bytes))) {
                    return Optional.empty();
                }
                classes.put(className, bytes);
            }
            if (classes.isEmpty()) {
                return Optional.empty();
            }
            touch(entry);
            return Optional.of(classes);
        } catch (IOException | UncheckedIOException | InvalidPathException e) {
            return Optional.empty();
        }
    }

    /** Dotted Java identifiers only, so a file name read from {@value #CHECKSUMS} stays inside its entry. */
    private static boolean isBinaryName(String name) {
        if (name.isEmpty() || name.startsWith(".") || name.endsWith(".") || name.contains("..")) {
            return false;
        }
        return name.chars().allMatch(c -> c == '.' || Character.isJavaIdentifierPart(c))
                && Character.isJavaIdentifierStart(name.charAt(0));
    }

    /** Stores {@code classes} under {@code key}; never fails, as the next run can always compile again. */
    void write(String key, Map<String, byte[]> classes) {
        Path temporary = null;
        try {
            Files.createDirectories(root);
            temporary = Files.createTempDirectory(root, TEMPORARY);
            StringBuilder checksums = new StringBuilder();
            for (Map.Entry<String, byte[]> type : classes.entrySet()) {
                String fileName = type.getKey() + ".class";
                Files.write(temporary.resolve(fileName), type.getValue());
                checksums.append(Sha256.hex(type.getValue())).append("  ").append(fileName).append('\n');
            }
            Files.writeString(temporary.resolve(CHECKSUMS), checksums, StandardCharsets.UTF_8);
            if (moveIntoPlace(temporary, root.resolve(key))) {
                temporary = null;
            }
            evict();
        } catch (IOException | UncheckedIOException | InvalidPathException | SecurityException e) {
            // unwritable or full: this run compiled in memory already, and so will the next
        } finally {
            if (temporary != null) {
                deleteQuietly(temporary);
            }
        }
    }

    /** True if {@code temporary} became the entry; false if a whole entry was already there (a concurrent run). */
    private boolean moveIntoPlace(Path temporary, Path entry) throws IOException {
        try {
            Files.move(temporary, entry, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            if (!Files.isDirectory(entry)) {
                throw e;
            }
        }
        if (read(entry.getFileName().toString()).isPresent()) {
            return false;
        }
        discard(entry.getFileName().toString());
        Files.move(temporary, entry, StandardCopyOption.ATOMIC_MOVE);
        return true;
    }

    /** Removes a damaged entry; renamed away first, so no reader ever sees it half deleted. */
    void discard(String key) {
        Path damaged = root.resolve(TEMPORARY + UUID.randomUUID());
        try {
            Files.move(root.resolve(key), damaged, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | SecurityException e) {
            return; // gone already, or a read-only cache
        }
        deleteQuietly(damaged);
    }

    private void evict() throws IOException {
        Instant abandoned = Instant.now().minus(ABANDONED);
        List<Path> entries;
        try (Stream<Path> children = Files.list(root)) {
            entries = children.filter(Files::isDirectory).toList();
        }
        for (Path child : entries) {
            if (child.getFileName().toString().startsWith(TEMPORARY)
                    && lastModified(child).toInstant().isBefore(abandoned)) {
                deleteQuietly(child);
            }
        }
        List<Path> byAge = entries.stream()
                .filter(child -> !child.getFileName().toString().startsWith(TEMPORARY))
                .sorted(Comparator.comparing(CompiledDefinitionCache::lastModified).reversed())
                .toList();
        byAge.stream().skip(MAX_ENTRIES).forEach(CompiledDefinitionCache::deleteQuietly);
    }

    private static FileTime lastModified(Path path) {
        try {
            return Files.getLastModifiedTime(path);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    /** Marks an entry used, for eviction; a read-only cache is still read. */
    private static void touch(Path entry) {
        try {
            Files.setLastModifiedTime(entry, FileTime.from(Instant.now()));
        } catch (IOException | SecurityException e) {
            // eviction order only
        }
    }

    private static void deleteQuietly(Path path) {
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException | SecurityException e) {
            // a leftover folder is removed by a later eviction
        }
    }

    /** What javac compiles against in this JVM besides the source, computed once. */
    private static final class Toolchain {
        static final String FINGERPRINT = fingerprint();

        private static String fingerprint() {
            StringBuilder out = new StringBuilder(FORMAT).append('\n')
                    .append(System.getProperty("java.version")).append(' ')
                    .append(System.getProperty("java.vm.version")).append(' ')
                    .append(System.getProperty("java.home")).append('\n')
                    .append(String.join(" ", DefinitionCompiler.OPTIONS)).append('\n');
            for (String element : System.getProperty("java.class.path").split(File.pathSeparator)) {
                if (!element.isEmpty()) {
                    describe(Path.of(element).toAbsolutePath().normalize(), out);
                }
            }
            return out.toString();
        }

        private static void describe(Path element, StringBuilder out) {
            out.append(element).append('\n');
            try {
                if (!Files.isDirectory(element)) {
                    stamp(element, "", out);
                    return;
                }
                // a class folder in development: every class file in it counts
                try (Stream<Path> walk = Files.walk(element)) {
                    for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                        stamp(file, element.relativize(file).toString(), out);
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                out.append("unreadable\n");
            }
        }

        private static void stamp(Path file, String name, StringBuilder out) throws IOException {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            out.append(name).append(' ').append(attributes.size()).append(' ')
                    .append(attributes.lastModifiedTime().toInstant()).append(' ')
                    .append(attributes.fileKey()).append('\n');
        }
    }
}
