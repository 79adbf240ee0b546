package dev.slipway.packages.debian;

import dev.slipway.packages.layer.ContentSpool;
import dev.slipway.packages.layer.FileStamp;
import dev.slipway.packages.layer.LayerDigest;
import dev.slipway.packages.layer.LayerEntry;
import dev.slipway.packages.layer.LayerTree;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Unpacks .deb files into one reproducible layer, the way dpkg would unpack them but without
 * running maintainer scripts, plus the files those scripts would have made that a container needs.
 *
 * <p>What a family must still add itself (no maintainer script runs): accounts
 * ({@link #addAccounts}), the CA bundle ({@link #addCaBundle}), the dpkg database
 * ({@link #addDpkgStatus}), and anything else a postinst creates, e.g. python3.11-minimal's
 * {@code /usr/local/lib/python3.11/dist-packages} and byte-compiled {@code .pyc} files (Python
 * starts without them), or alternatives symlinks from {@code update-alternatives}.
 * {@code /usr/bin/python3} itself is shipped by python3-minimal, not made by a script.
 *
 * <p>File contents are streamed into a temporary {@link ContentSpool} in {@code spoolDirectory}, never held in
 * memory, except those a .deb on disk stores uncompressed (dpkg-deb {@code -Znone}): they are read from the .deb
 * itself when the tar is written, which fails unless the .deb is unchanged since it was read (and verified). Close
 * the layer once its tar is written.
 */
public final class DebLayer implements Closeable {

    static final String CA_BUNDLE = "etc/ssl/certs/ca-certificates.crt";

    private final LayerTree tree = new LayerTree();
    private final List<String> controls = new ArrayList<>();
    private final List<List<String>> fileLists = new ArrayList<>();
    private final Path spoolDirectory;
    private ContentSpool spool;
    /** The spools {@link #addPackages} unpacked into, one per worker thread. */
    private final Map<Thread, ContentSpool> workerSpools = new ConcurrentHashMap<>();
    /** The .debs opened to be read in place, whether their files were added or not (a refused one is not). */
    private final List<ContentSpool> opened = java.util.Collections.synchronizedList(new ArrayList<>());
    /** The .debs whose files were added read in place; each must be unchanged once the tar is written. */
    private final List<ContentSpool> readInPlace = new ArrayList<>();

    /** A layer whose package contents are spooled in the system's temporary directory. */
    public DebLayer() {
        this(Path.of(System.getProperty("java.io.tmpdir")));
    }

    public DebLayer(Path spoolDirectory) {
        this.spoolDirectory = Objects.requireNonNull(spoolDirectory, "spoolDirectory");
    }

    /** Adds the merged-/usr symlinks ({@code /bin -> usr/bin} …) that Debian bookworm images have. */
    public DebLayer mergedUsr() {
        for (String dir : List.of("bin", "sbin", "lib", "lib64")) {
            tree.add(LayerEntry.directory("usr/" + dir, 0755));
            tree.add(LayerEntry.symlink(dir, "usr/" + dir));
        }
        return this;
    }

    /** Unpacks one .deb; its files replace those of packages added before. */
    public DebLayer addPackage(Path deb) throws IOException {
        Optional<FileStamp> stamp = FileStamp.of(deb);
        try (InputStream in = Files.newInputStream(deb)) {
            return add(DebArchive.read(in, deb.toString(), spool(), inPlace(deb, stamp)));
        }
    }

    /** How {@code deb} is opened to be read in place, if its stamp was taken before it was first opened. */
    private DebArchive.InPlace inPlace(Path deb, Optional<FileStamp> stamp) {
        if (stamp.isEmpty()) {
            return null;
        }
        return () -> {
            ContentSpool spool = ContentSpool.inPlace(deb, stamp.get());
            opened.add(spool);
            return spool;
        };
    }

    private DebLayer add(DebArchive archive) {
        archive.inPlace().ifPresent(readInPlace::add);
        controls.add(archive.control());
        List<String> paths = new ArrayList<>();
        for (LayerEntry e : archive.files()) {
            tree.add(e);
            paths.add(e.path());
        }
        fileLists.add(paths);
        return this;
    }

    private synchronized ContentSpool spool() throws IOException {
        if (spool == null) {
            spool = ContentSpool.create(spoolDirectory);
        }
        return spool;
    }

    /**
     * Fetches and verifies the packages of {@code lock} with {@code fetcher} and unpacks each in the same pass over
     * its bytes (what a package holds is used only once the whole file matches the lock). Packages are decompressed
     * and spooled on every core, each worker into a spool of its own (a spool serialises its writers), and added to
     * the tree one after another in lock order, so the layer's bytes do not depend on which finished first.
     */
    public DebLayer addPackages(PackageFetcher fetcher, DebianLock lock) throws IOException {
        for (DebArchive archive : fetcher.fetch(lock,
                (p, deb) -> DebArchive.read(deb, p.locked().filename(), workerSpool(),
                        inPlace(p.file(), p.inPlace())))) {
            add(archive);
        }
        return this;
    }

    /** The spool of the calling worker thread. */
    private ContentSpool workerSpool() throws IOException {
        ContentSpool mine = workerSpools.get(Thread.currentThread());
        if (mine == null) {
            mine = ContentSpool.create(spoolDirectory);
            workerSpools.put(Thread.currentThread(), mine);
        }
        return mine;
    }

    /** Adds a generated file, directory or link; it replaces whatever a package put there. */
    public DebLayer add(LayerEntry entry) {
        tree.add(entry);
        return this;
    }

    /** {@code /etc/passwd} and {@code /etc/group} (0644 root:root). */
    public DebLayer addAccounts(Accounts accounts) {
        tree.add(LayerEntry.file("etc/passwd", 0644, accounts.passwd().getBytes(StandardCharsets.UTF_8)));
        tree.add(LayerEntry.file("etc/group", 0644, accounts.group().getBytes(StandardCharsets.UTF_8)));
        // adduser would make the home directories; a service that writes to $HOME (caches, config) needs its own
        for (Accounts.Account a : accounts.accounts()) {
            if (a.uid() != 0 && a.home().startsWith("/home/")) {
                tree.add(new LayerEntry(a.home(), LayerEntry.Kind.DIRECTORY, 0750, a.uid(), a.gid(), a.name(), a.name(),
                        null, null));
            }
        }
        return this;
    }

    /**
     * {@code /etc/ssl/certs/ca-certificates.crt}: every {@code /usr/share/ca-certificates/**}{@code /*.crt}
     * in path order, as {@code update-ca-certificates} would concatenate them with the default
     * configuration. Refused when no certificate is in the layer (ca-certificates not in the closure).
     */
    public DebLayer addCaBundle() throws IOException {
        List<LayerEntry> certs = tree.entries(e -> e.kind() == LayerEntry.Kind.FILE
                && e.path().startsWith("usr/share/ca-certificates/") && e.path().endsWith(".crt"));
        if (certs.isEmpty()) {
            throw new IllegalStateException(
                    "no /usr/share/ca-certificates/**/*.crt in the layer; add ca-certificates to the family");
        }
        ByteArrayOutputStream bundle = new ByteArrayOutputStream();
        for (LayerEntry cert : certs) {
            byte[] pem = cert.content().bytes();
            bundle.write(pem);
            if (pem.length > 0 && pem[pem.length - 1] != '\n') {
                bundle.write('\n');
            }
        }
        tree.add(LayerEntry.file(CA_BUNDLE, 0644, bundle.toByteArray()));
        return this;
    }

    /** {@code /var/lib/dpkg/status} and {@code /var/lib/dpkg/info/PKG.list} for the packages added so far. */
    public DebLayer addDpkgStatus() {
        tree.add(LayerEntry.file("var/lib/dpkg/status", 0644,
                DpkgStatus.render(controls).getBytes(StandardCharsets.UTF_8)));
        for (int i = 0; i < controls.size(); i++) {
            String control = controls.get(i);
            String name = DpkgStatus.field(control, "Package");
            if ("same".equals(DpkgStatus.field(control, "Multi-Arch"))) {
                name += ":" + DpkgStatus.field(control, "Architecture");
            }
            StringBuilder list = new StringBuilder("/.\n");
            for (String p : new TreeSet<>(fileLists.get(i))) {
                list.append('/').append(p).append('\n');
            }
            tree.add(LayerEntry.file("var/lib/dpkg/info/" + name + ".list", 0644,
                    list.toString().getBytes(StandardCharsets.UTF_8)));
        }
        return this;
    }

    /** The entries so far, for inspection. */
    public LayerTree tree() {
        return tree;
    }

    public LayerDigest writeTar(Path file) throws IOException {
        LayerDigest digest = tree.writeTar(file);
        checkReadInPlace();
        return digest;
    }

    /** The layer's tar to {@code out}; fails after the last byte if a .deb read in place changed meanwhile. */
    public LayerDigest writeTar(OutputStream out) throws IOException {
        LayerDigest digest = tree.writeTar(out);
        checkReadInPlace();
        return digest;
    }

    private void checkReadInPlace() throws IOException {
        for (ContentSpool deb : readInPlace) {
            deb.checkUnchanged();
        }
    }

    /** Deletes the spooled package contents; the layer cannot be written after. */
    @Override
    public void close() throws IOException {
        if (spool != null) {
            spool.close();
        }
        for (ContentSpool worker : workerSpools.values()) {
            worker.close();
        }
        for (ContentSpool deb : opened) {
            deb.close();
        }
    }
}
