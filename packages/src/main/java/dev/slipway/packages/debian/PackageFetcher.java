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
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Brings the .deb files of a lock into a content-addressed cache ({@code CACHE/sha256/ab/abcd…})
 * and hands them out only after their size and SHA-256 match the lock. A file that does not match
 * is refused, naming the package and the family, and is never kept in the cache.
 */
public final class PackageFetcher {
    /** Packages fetched and verified at once: enough to fill the cores with hashing, few enough for a mirror. */
    private static final int PARALLEL = Math.max(2, Runtime.getRuntime().availableProcessors());

    private final Path cache;
    private final Mirror mirror;

    public PackageFetcher(Path cache) {
        this(cache, Mirror.defaultClient());
    }

    public PackageFetcher(Path cache, HttpClient http) {
        this.cache = Objects.requireNonNull(cache, "cache").toAbsolutePath();
        this.mirror = new Mirror(http);
    }

    /**
     * Every package of the lock, verified, in lock order; or every problem at once. Packages are fetched and hashed
     * a few at a time: for a family of several big packages that is what keeps every core busy.
     */
    public List<FetchedPackage> fetch(DebianLock lock) throws IOException {
        List<LockedPackage> packages = lock.packages();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(PARALLEL, packages.size())), r -> {
            Thread t = new Thread(r, "slipway-fetch");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Path>> files = new ArrayList<>();
            for (LockedPackage p : packages) {
                files.add(pool.submit(() -> fetchOne(lock, p)));
            }
            List<FetchedPackage> fetched = new ArrayList<>();
            List<PackageProblem> problems = new ArrayList<>();
            for (int i = 0; i < packages.size(); i++) {
                LockedPackage p = packages.get(i);
                try {
                    fetched.add(new FetchedPackage(p, files.get(i).get()));
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Refused refused) {
                        problems.add(new PackageProblem(lock.family(), p.name(), refused.getMessage()));
                    } else if (e.getCause() instanceof IOException io) {
                        throw io;
                    } else {
                        throw new IOException(p.name() + ": " + e.getCause(), e.getCause());
                    }
                }
            }
            if (!problems.isEmpty()) {
                throw new PackageProblems(problems);
            }
            return List.copyOf(fetched);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching the packages of " + lock.family(), e);
        } finally {
            pool.shutdownNow();
        }
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
            MessageDigest sha256 = sha256();
            // hashed as it is written: one pass over the bytes
            try (InputStream in = mirror.open(lock.source().mirror(), p.filename());
                    OutputStream out = new DigestOutputStream(Files.newOutputStream(partial), sha256)) {
                in.transferTo(out);
            } catch (FileNotFoundException e) {
                throw new Refused(what + " is not on the mirror: " + e.getMessage());
            }
            String problem = mismatch(p, Files.size(partial), HexFormat.of().formatHex(sha256.digest()));
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
        // a file of the wrong size is refused without reading it
        return mismatch(p, size, size == p.size() ? sha256(file) : "");
    }

    /** Null when {@code size} and {@code sha256} are the locked ones, else what differs. */
    private static String mismatch(LockedPackage p, long size, String sha256) {
        if (size != p.size()) {
            return "size " + size + " does not match the locked " + p.size();
        }
        if (!sha256.equals(p.sha256())) {
            return "SHA-256 " + sha256 + " does not match the locked " + p.sha256();
        }
        return null;
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha256())) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
