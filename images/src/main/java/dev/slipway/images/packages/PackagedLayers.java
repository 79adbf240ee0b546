package dev.slipway.images.packages;

import dev.slipway.images.AtomicFiles;
import dev.slipway.images.Sha256;
import dev.slipway.images.SlipwayCache;
import dev.slipway.locks.FamilyLocks;
import dev.slipway.locks.FamilyPackages;
import dev.slipway.locks.PackageSources;
import dev.slipway.packages.debian.Accounts;
import dev.slipway.packages.debian.DebLayer;
import dev.slipway.packages.debian.DebianLock;
import dev.slipway.packages.debian.LockedPackage;
import dev.slipway.packages.debian.PackageFetcher;
import dev.slipway.packages.debian.PackageProblem;
import dev.slipway.packages.debian.PackageProblems;
import dev.slipway.images.supplychain.StreamedUpload;
import dev.slipway.packages.layer.CompressedLayer;
import dev.slipway.packages.layer.LayerDigest;
import dev.slipway.packages.layer.LayerEntry;
import dev.slipway.packages.layer.LayerCompression;
import dev.slipway.packages.layer.LayerCompressionStream;
import dev.slipway.packages.python.WheelInstaller;
import dev.slipway.packages.python.WheelProblems;
import dev.slipway.packages.python.WheelRequirement;
import dev.slipway.packages.python.WheelTarget;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * A family's OS layer (its locked .debs, verified, unpacked with full fidelity, plus accounts, CA bundle and the
 * dpkg database of the whole lineage) and its Python layer (its hash-locked wheels), each compressed (gzip, or zstd
 * for a registry build that asks for it) and kept
 * in the Slipway cache under a key of everything that goes into it: the same locks give the same bytes.
 */
final class PackagedLayers {
    /**
     * Bump when what goes into a layer or how it is compressed changes, so cached layers of the old layout are not
     * reused (v2: parallel gzip, other bytes for layers over one block; an old cache must not give old digests).
     */
    private static final String LAYOUT = "slipway packaged layers v2";
    private static final String STATUS = "var/lib/dpkg/status";

    private final SlipwayCache cache;
    private final PackageSources sources;
    private final Path fleetDirectory;

    private final Optional<LayerUploads> uploads;
    private final Progress progress;
    private final LayerCompression compression;

    /** How far a layer being written is: its tar bytes and compressed bytes so far. */
    interface Progress {
        void wrote(String layer, long tarBytes, long compressedBytes, boolean done);
    }

    PackagedLayers(SlipwayCache cache, PackageSources sources, Path fleetDirectory) {
        this(cache, sources, fleetDirectory, Optional.empty(), (layer, tar, compressed, done) -> {
        }, LayerCompression.GZIP);
    }

    /**
     * Layers compressed with {@code compression} that, when {@code uploads} is given, are uploaded there while they
     * are written (not when cached), told to {@code progress} as they go.
     */
    PackagedLayers(SlipwayCache cache, PackageSources sources, Path fleetDirectory, Optional<LayerUploads> uploads,
            Progress progress, LayerCompression compression) {
        this.compression = compression;
        this.cache = cache;
        this.sources = sources;
        this.fleetDirectory = fleetDirectory;
        this.uploads = uploads;
        this.progress = progress;
    }

    Path debs() {
        return cache.root().resolve("debs");
    }

    /** The OS layer of the last family of {@code lineage}; it must install Debian packages. */
    BaseArchive.Layer osLayer(List<FamilyPackages> lineage) throws IOException {
        FamilyPackages own = lineage.get(lineage.size() - 1);
        DebianLock lock = own.debian().orElseThrow();
        StringBuilder key = new StringBuilder(LAYOUT).append("\nos\n");
        for (FamilyPackages f : lineage) {
            key.append("family ").append(f.family().name()).append('\n');
            f.debianPackages().forEach(p -> key.append(line(p)));
        }
        String createdBy = "slipway: Debian packages of " + own.family().name() + " (" + lock.packages().size()
                + " from " + lock.source().suite() + ")";
        return cached(Sha256.hex(key.toString()), createdBy, "Debian layer", out -> {
            // package contents go through a spool file in the cache, so memory does not grow with package sizes
            try (DebLayer layer = new DebLayer(cache.staging())) {
                addPackages(layer.mergedUsr(), own)
                        .addAccounts(Accounts.rootAndAppUser())
                        .add(LayerEntry.directory("tmp", 01777));
                boolean certificates = !layer.tree().entries(e -> e.path().startsWith("usr/share/ca-certificates/")
                        && e.path().endsWith(".crt")).isEmpty();
                if (certificates) {
                    layer.addCaBundle();
                }
                layer.addDpkgStatus();
                Optional<String> inherited = inheritedStatus(lineage);
                if (inherited.isPresent()) {
                    // this layer's status file replaces the parent's, so it lists the whole lineage
                    String mine = new String(layer.tree().get(STATUS).orElseThrow().content().bytes(),
                            StandardCharsets.UTF_8);
                    layer.add(LayerEntry.file(STATUS, 0644, mergeStatus(inherited.get(), mine)
                            .getBytes(StandardCharsets.UTF_8)));
                }
                return layer.writeTar(out);
            }
        });
    }

    /** The dpkg status of the nearest ancestor that installs Debian packages (it covers its own lineage). */
    private Optional<String> inheritedStatus(List<FamilyPackages> lineage) throws IOException {
        for (int i = lineage.size() - 2; i >= 0; i--) {
            if (lineage.get(i).debian().isPresent()) {
                BaseArchive.Layer parent = osLayer(lineage.subList(0, i + 1));
                Optional<byte[]> status = TarMember.read(
                        parent.compression().decompress(Files.newInputStream(parent.file())), STATUS, Long.MAX_VALUE);
                if (status.isPresent()) {
                    return Optional.of(new String(status.get(), StandardCharsets.UTF_8));
                }
                throw new IOException(parent.file() + " has no " + STATUS);
            }
        }
        return Optional.empty();
    }

    /** Both files' stanzas, sorted, as dpkg status is rendered for packages unpacked without dpkg. */
    static String mergeStatus(String first, String second) {
        java.util.TreeSet<String> stanzas = new java.util.TreeSet<>();
        for (String status : List.of(first, second)) {
            for (String stanza : status.split("\n\n")) {
                if (!stanza.isBlank()) {
                    stanzas.add(stanza.strip() + "\n");
                }
            }
        }
        return String.join("\n", stanzas);
    }

    /** The Python layer of the last family of {@code lineage}; it must install wheels. */
    BaseArchive.Layer wheelLayer(List<FamilyPackages> lineage, WheelTarget target) throws IOException {
        FamilyPackages own = lineage.get(lineage.size() - 1);
        StringBuilder key = new StringBuilder(LAYOUT).append("\nwheels\n").append(target).append('\n');
        for (WheelRequirement r : own.wheels().orElseThrow().requirements()) {
            key.append(r.name()).append(' ').append(r.version()).append(' ').append(String.join(",", r.sha256()))
                    .append('\n');
        }
        String createdBy = "slipway: wheels of " + own.family().name() + " ("
                + own.wheels().get().requirements().size() + " into " + target.sitePackages() + ")";
        return cached(Sha256.hex(key.toString()), createdBy, "wheel layer", out -> {
            try {
                // wheels and their unpacked files stream through the cache, never memory
                return new WheelInstaller(sources.wheelsFor(own.wheels().get().indexes(), fleetDirectory), target,
                        cache.root().resolve("wheels")).writeTar(own.wheels().get(), out);
            } catch (WheelProblems e) {
                throw new PackagesRefused(e.problems().stream()
                        .map(p -> "family '" + own.family().name() + "': wheel " + p).toList());
            }
        });
    }

    /** Fetches, verifies and unpacks the family's locked packages into {@code layer}, one pass over each file. */
    private DebLayer addPackages(DebLayer layer, FamilyPackages family) throws IOException {
        DebianLock lock = FamilyLocks.forFetching(family.debian().orElseThrow(), sources, fleetDirectory);
        try {
            return layer.addPackages(new PackageFetcher(debs()), lock);
        } catch (PackageProblems e) {
            throw new PackagesRefused(e.problems().stream().map(PackageProblem::message).toList());
        }
    }

    private interface LayerWriter {
        LayerDigest writeTo(OutputStream out) throws IOException;
    }

    private BaseArchive.Layer cached(String key, String createdBy, String label, LayerWriter writer)
            throws IOException {
        Path dir = cache.root().resolve("packaged-layers");
        // gzip layers keep their names from before zstd: a cache of them stays good
        String name = compression == LayerCompression.GZIP ? key : Sha256.hex(key + "\n" + compression);
        Path file = dir.resolve(name + compression.extension());
        Path diffId = dir.resolve(name + ".diffid");
        if (Files.isRegularFile(file) && Files.isRegularFile(diffId)) {
            List<String> ids = Files.readAllLines(diffId);
            if (ids.size() < 3) {
                // written before the blob digest was kept beside the diff ID: hash the file once, and keep it
                ids = List.of(ids.get(0).strip(), "sha256:" + Sha256.hex(file), Long.toString(Files.size(file)));
                AtomicFiles.write(diffId, String.join("\n", ids) + "\n");
            }
            return new BaseArchive.Layer(file, ids.get(0).strip(), ids.get(1).strip(),
                    Long.parseLong(ids.get(2).strip()), createdBy, compression);
        }
        if (uploads.isPresent()) {
            // a layer written for a registry base: the base's config and manifest are made right after it
            RegistryBase.warmUp();
        }
        Files.createDirectories(dir);
        Path partial = Files.createTempFile(dir, name, ".partial");
        Optional<StreamedUpload> upload = Optional.empty();
        try {
            OutputStream spool = Files.newOutputStream(partial);
            upload = uploads.isPresent() ? uploads.get().start() : Optional.empty();
            // compressed on every core, hashed on the way: the diff ID and the digest come from the same pass; a
            // registry build uploads the compressed bytes as they come
            Counted compressed = new Counted(upload.isPresent() ? new Tee(spool, upload.get()) : spool);
            LayerCompressionStream compressor = compression.open(compressed);
            LayerDigest tar;
            Counted counted = new Counted(compressor) {
                @Override
                void counted(long bytes) {
                    progress.wrote(label, bytes, compressed.count, false);
                }
            };
            try (OutputStream out = new BufferedOutputStream(counted, 1 << 16)) {
                tar = writer.writeTo(out);
            }
            progress.wrote(label, counted.count, compressed.count, true);
            CompressedLayer result = compressor.result();
            LayerDigest digest = result.uncompressed();
            if (!digest.equals(tar)) {
                throw new IOException(
                        "layer " + key + ": the tar writer counted " + tar + ", its compressor " + digest);
            }
            String blob = "sha256:" + result.sha256();
            if (upload.isPresent()) {
                uploads.get().finished(blob, upload.get().finish(blob));
            }
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            // the diff ID last: a layer counts as cached only once both are complete
            AtomicFiles.write(diffId, digest.diffId() + "\n" + blob + "\n" + result.size() + "\n");
            return new BaseArchive.Layer(file, digest.diffId(), blob, result.size(), createdBy, compression);
        } finally {
            upload.ifPresent(StreamedUpload::close);
            Files.deleteIfExists(partial);
        }
    }

    /** Counts what passes, and says so every {@value #TELL_EVERY} bytes. */
    private static class Counted extends OutputStream {
        private static final long TELL_EVERY = 16L << 20;
        private final OutputStream out;
        volatile long count;
        private long told;

        Counted(OutputStream out) {
            this.out = out;
        }

        void counted(long bytes) {
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
            if (count - told >= TELL_EVERY) {
                told = count;
                counted(count);
            }
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    /** Writes to both: the layer's file first, then its streamed upload (which never fails a write). */
    private static final class Tee extends OutputStream {
        private final OutputStream file;
        private final OutputStream upload;

        Tee(OutputStream file, OutputStream upload) {
            this.file = file;
            this.upload = upload;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            file.write(b, off, len);
            upload.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            file.flush();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }

    private static String line(LockedPackage p) {
        return p.name() + ' ' + p.version() + ' ' + p.architecture() + ' ' + p.size() + ' ' + p.sha256() + '\n';
    }

    /** Packages or wheels refused (missing, or not matching their lock), every one named with its family. */
    static final class PackagesRefused extends IOException {
        private static final long serialVersionUID = 1L;

        PackagesRefused(List<String> problems) {
            super(String.join("; ", problems));
        }
    }
}
