package dev.slipway.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.HexFormat;

/** A fresh directory owned by one fixture, removed with everything in it when the fixture closes. */
public final class ScratchDirectory {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path path;

    private ScratchDirectory(Path path) {
        this.path = path;
    }

    /** A directory named {@code prefix} plus six hex digits, short on purpose: unix socket paths are limited to 107 bytes. */
    static ScratchDirectory createShort(Path parent, String prefix) {
        for (int attempt = 0; attempt < 100; attempt++) {
            byte[] suffix = new byte[3];
            RANDOM.nextBytes(suffix);
            Path candidate = parent.resolve(prefix + HexFormat.of().formatHex(suffix));
            try {
                return new ScratchDirectory(Files.createDirectory(candidate));
            } catch (FileAlreadyExistsException taken) {
                // another fixture holds this name; draw again
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + candidate, e);
            }
        }
        throw new IllegalStateException("no free directory name under " + parent);
    }

    static ScratchDirectory createTemporary(String prefix) {
        try {
            return new ScratchDirectory(Files.createTempDirectory(prefix));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
    }

    Path path() {
        return path;
    }

    void delete() {
        deleteTree(path);
    }

    /** Removes {@code root} and everything below it; nothing there is fine. */
    public static void deleteTree(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null && !(e instanceof NoSuchFileException)) {
                        throw e;
                    }
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
