package dev.slipway.packages.debian;

import dev.slipway.packages.layer.FileStamp;
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
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.io.input.BoundedInputStream;
import org.apache.commons.io.input.CloseShieldInputStream;
import org.apache.commons.io.input.TeeInputStream;

/**
 * Brings the .deb files of a lock into a content-addressed cache ({@code CACHE/sha256/ab/abcd…}), or reads them
 * where they are from a {@code file:} mirror, and hands them out only after their size and SHA-256 match the lock.
 * A file that does not match
 * is refused, naming the package and the family, and is never kept in the cache.
 */
public final class PackageFetcher {
    /**
     * Packages fetched and verified at once: enough to fill the cores with hashing, few enough for a mirror. One more
     * than the cores, so small packages are unpacked beside the big ones rather than after them.
     */
    private static final int PARALLEL = Runtime.getRuntime().availableProcessors() + 1;

    private final Path cache;
    private final Mirror mirror;

    /** A fetcher that starts an HTTP client only when it first fetches from a remote mirror. */
    public PackageFetcher(Path cache) {
        this(cache, new Mirror(Mirror::defaultClient));
    }

    public PackageFetcher(Path cache, HttpClient http) {
        this(cache, new Mirror(http));
    }

    private PackageFetcher(Path cache, Mirror mirror) {
        this.cache = Objects.requireNonNull(cache, "cache").toAbsolutePath();
        this.mirror = mirror;
    }

    /**
     * Reads a package's .deb while it is fetched and verified: one pass over the bytes. What it returns is handed out
     * only once the whole file has the locked size and SHA-256; a reader that fails on a file that does not verify
     * gives way to the refusal.
     */
    @FunctionalInterface
    public interface Reader<T> {
        /**
         * Reads {@code deb} (as far as it needs: the rest is read after it returns); closing it is not needed.
         * {@code p} names the package and where its file is once verified.
         */
        T read(FetchedPackage p, InputStream deb) throws IOException;
    }

    /**
     * Every package of the lock, verified, in lock order; or every problem at once. Packages are fetched and hashed
     * a few at a time: for a family of several big packages that is what keeps every core busy.
     */
    public List<FetchedPackage> fetch(DebianLock lock) throws IOException {
        return fetch(lock, (p, deb) -> p);
    }

    /**
     * {@link #fetch(DebianLock)}, each package read by {@code reader} in the same pass that copies it into the cache
     * and hashes it (or that verifies the cached copy): what {@code reader} made of each package, in lock order.
     */
    public <T> List<T> fetch(DebianLock lock, Reader<T> reader) throws IOException {
        List<LockedPackage> packages = lock.packages();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(PARALLEL, packages.size())), r -> {
            Thread t = new Thread(r, "slipway-fetch");
            t.setDaemon(true);
            return t;
        });
        try {
            // the biggest first, so one big package read last does not keep a core waiting at the end; the results
            // are still taken in lock order
            List<Future<T>> files = new ArrayList<>(Collections.nCopies(packages.size(), null));
            List<Integer> bySize = new ArrayList<>();
            for (int i = 0; i < packages.size(); i++) {
                bySize.add(i);
            }
            bySize.sort(Comparator.comparingLong((Integer i) -> packages.get(i).size()).reversed());
            for (int i : bySize) {
                LockedPackage p = packages.get(i);
                files.set(i, pool.submit(() -> fetchOne(lock, p, reader)));
            }
            List<T> fetched = new ArrayList<>();
            List<PackageProblem> problems = new ArrayList<>();
            for (int i = 0; i < packages.size(); i++) {
                LockedPackage p = packages.get(i);
                try {
                    fetched.add(files.get(i).get());
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

    private <T> T fetchOne(DebianLock lock, LockedPackage p, Reader<T> reader) throws IOException, Refused {
        String what = p.version() + " (" + p.filename() + ")";
        Optional<Path> local = mirror.local(lock.source().mirror(), p.filename());
        if (local.isPresent()) {
            // a file: mirror is on this machine already: read where it is and verified on every use, never copied
            if (!Files.isRegularFile(local.get())) {
                throw new Refused(what + " is not on the mirror: " + local.get());
            }
            Read<T> verified = readFile(p, local.get(), reader);
            String problem = mismatch(p, verified.size(), verified.sha256());
            if (problem != null) {
                throw new Refused(what + " was refused: " + problem);
            }
            return verified.value();
        }
        Path target = cachePath(p.sha256());
        if (Files.isRegularFile(target)) {
            // verified again on every use: a cache is a convenience, not a trust anchor
            Read<T> cached = readFile(p, target, reader);
            if (mismatch(p, cached.size(), cached.sha256()) == null) {
                return cached.value();
            }
        }
        Files.deleteIfExists(target);
        Files.createDirectories(target.getParent());
        Path partial = Files.createTempFile(target.getParent(), p.sha256() + ".", ".partial");
        try {
            Read<T> fetched;
            // copied into the cache as it is read and hashed
            try (InputStream in = mirror.open(lock.source().mirror(), p.filename());
                    OutputStream out = Files.newOutputStream(partial)) {
                fetched = read(new FetchedPackage(p, target), new TeeInputStream(in, out), reader);
            } catch (FileNotFoundException e) {
                throw new Refused(what + " is not on the mirror: " + e.getMessage());
            }
            String problem = mismatch(p, fetched.size(), fetched.sha256());
            if (problem != null) {
                throw new Refused(what + " was refused: " + problem + "; the file was not kept");
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return fetched.value();
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** What a reader made of a file (or how it failed), and the file's size and SHA-256. */
    private record Read<T>(T read, IOException failed, long size, String sha256) {
        T value() throws IOException {
            if (failed != null) {
                throw failed;
            }
            return read;
        }
    }

    /**
     * {@code file} through {@code reader}, as {@link #read}, stamped before it is opened so the reader may read parts
     * of it again later; a file of the wrong size is not read at all.
     */
    private static <T> Read<T> readFile(LockedPackage p, Path file, Reader<T> reader) throws IOException {
        Optional<FileStamp> stamp = FileStamp.of(file);
        long size = stamp.isPresent() ? stamp.get().size() : Files.size(file);
        if (size != p.size()) {
            return new Read<>(null, null, size, "");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(new FetchedPackage(p, file, stamp), in, reader);
        }
    }

    /** {@code in} through {@code reader} and then to its end, hashing and counting every byte. */
    private static <T> Read<T> read(FetchedPackage p, InputStream in, Reader<T> reader) throws IOException {
        DigestInputStream hashed = new DigestInputStream(in, sha256());
        BoundedInputStream counted = BoundedInputStream.builder().setInputStream(hashed).get();
        T value = null;
        IOException failed = null;
        try {
            value = reader.read(p, CloseShieldInputStream.wrap(counted));
        } catch (IOException e) {
            failed = e;
        }
        counted.transferTo(OutputStream.nullOutputStream());
        return new Read<>(value, failed, counted.getCount(),
                HexFormat.of().formatHex(hashed.getMessageDigest().digest()));
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

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
