package dev.slipway.packages.debian;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Brings the .deb files of a lock into a content-addressed cache ({@code CACHE/sha256/ab/abcd…})
 * and hands them out only after their size and SHA-256 match the lock. A file that does not match
 * is refused, naming the package and the family, and is never kept in the cache.
 */
public final class PackageFetcher {

    private final Path cache;
    private final Mirror mirror;

    public PackageFetcher(Path cache) {
        this(cache, Mirror.defaultClient());
    }

    public PackageFetcher(Path cache, HttpClient http) {
        this.cache = Objects.requireNonNull(cache, "cache").toAbsolutePath();
        this.mirror = new Mirror(http);
    }

    /** Every package of the lock, verified, in lock order; or every problem at once. */
    public List<FetchedPackage> fetch(DebianLock lock) throws IOException {
        List<FetchedPackage> fetched = new ArrayList<>();
        List<PackageProblem> problems = new ArrayList<>();
        for (LockedPackage p : lock.packages()) {
            try {
                fetched.add(new FetchedPackage(p, fetchOne(lock, p)));
            } catch (Refused e) {
                problems.add(new PackageProblem(lock.family(), p.name(), e.getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            throw new PackageProblems(problems);
        }
        return List.copyOf(fetched);
    }

    /** Where a verified file with this hash lives in the cache. */
    public Path cachePath(String sha256) {
        return cache.resolve("sha256").resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    private static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    private Path fetchOne(DebianLock lock, LockedPackage p) throws IOException, Refused {
        Path target = cachePath(p.sha256());
        String what = p.version() + " (" + p.filename() + ")";
        if (Files.isRegularFile(target)) {
            // verified again on every use: a cache is a convenience, not a trust anchor
            String cachedProblem = mismatch(p, target);
            if (cachedProblem == null) {
                return target;
            }
            Files.deleteIfExists(target);
        }
        Files.createDirectories(target.getParent());
        Path partial = Files.createTempFile(target.getParent(), p.sha256() + ".", ".partial");
        try {
            try (InputStream in = mirror.open(lock.source().mirror(), p.filename());
                    OutputStream out = Files.newOutputStream(partial)) {
                in.transferTo(out);
            } catch (FileNotFoundException e) {
                throw new Refused(what + " is not on the mirror: " + e.getMessage());
            }
            String problem = mismatch(p, partial);
            if (problem != null) {
                throw new Refused(what + " was refused: " + problem + "; the file was not kept");
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** Null when {@code file} has the locked size and SHA-256, else what differs. */
    private static String mismatch(LockedPackage p, Path file) throws IOException {
        long size = Files.size(file);
        if (size != p.size()) {
            return "size " + size + " does not match the locked " + p.size();
        }
        String actual = sha256(file);
        if (!actual.equals(p.sha256())) {
            return "SHA-256 " + actual + " does not match the locked " + p.sha256();
        }
        return null;
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
