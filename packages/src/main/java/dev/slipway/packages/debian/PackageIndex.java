package dev.slipway.packages.debian;

import dev.slipway.packages.layer.HashingInputStream;
import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/** The packages of one {@link DebianSource}, as listed by its {@code Packages} files. */
public final class PackageIndex {

    /** The index files looked for in each directory, in order of preference. */
    static final List<String> INDEX_NAMES = List.of("Packages.xz", "Packages.gz", "Packages");

    private final DebianSource source;
    private final IndexProvenance provenance;
    private final Map<String, List<DebianPackage>> byName;
    private final Map<String, List<DebianPackage>> byProvided;

    private PackageIndex(DebianSource source, IndexProvenance provenance, List<DebianPackage> packages) {
        this.source = source;
        this.provenance = provenance;
        Map<String, List<DebianPackage>> names = new TreeMap<>();
        Map<String, List<DebianPackage>> provided = new TreeMap<>();
        for (DebianPackage p : packages) {
            if (!p.architecture().equals(source.architecture()) && !p.architecture().equals("all")) {
                continue;
            }
            names.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(p);
            for (Relation r : p.provides()) {
                provided.computeIfAbsent(r.name(), k -> new ArrayList<>()).add(p);
            }
        }
        // newest first, then by name, so every choice made from these lists is deterministic
        Comparator<DebianPackage> order = Comparator.comparing(DebianPackage::version).reversed()
                .thenComparing(DebianPackage::name).thenComparing(DebianPackage::architecture)
                .thenComparing(DebianPackage::filename);
        names.replaceAll((k, v) -> v.stream().sorted(order).toList());
        provided.replaceAll((k, v) -> v.stream().sorted(order).toList());
        this.byName = names;
        this.byProvided = provided;
    }

    /** An index over packages already parsed (for tests and callers with their own index). */
    public static PackageIndex of(DebianSource source, List<DebianPackage> packages) {
        return new PackageIndex(source, IndexProvenance.UNRECORDED, packages);
    }

    /**
     * Reads {@code Packages.xz}, {@code Packages.gz} or {@code Packages} for every component, checked as {@code check}
     * says: against the signed Release (signature, Valid-Until, suite, then each index file's size and SHA-256), or
     * not at all for a repository named unsigned.
     *
     * @throws IndexRefusedException the index cannot be believed (the message names the mirror and what failed)
     * @throws FileNotFoundException the mirror has no index for this source
     */
    public static PackageIndex load(DebianSource source, IndexCheck check) throws IOException {
        return load(source, check, new Mirror(Mirror::defaultClient), Clock.systemUTC());
    }

    public static PackageIndex load(DebianSource source, IndexCheck check, HttpClient http, Clock clock)
            throws IOException {
        return load(source, check, new Mirror(http), clock);
    }

    private static PackageIndex load(DebianSource source, IndexCheck check, Mirror mirror, Clock clock)
            throws IOException {
        List<DebianPackage> all = new ArrayList<>();
        if (check instanceof IndexCheck.SignedBy signed) {
            ArchiveKeyring keyring = ArchiveKeyring.read(signed.keyring());
            VerifiedRelease release = VerifiedRelease.fetch(mirror, source, keyring, clock.instant());
            for (String dir : source.indexDirectories()) {
                all.addAll(readVerified(mirror, source, release, dir));
            }
            return new PackageIndex(source, IndexProvenance.signed(release.signers()), all);
        }
        for (String dir : source.indexDirectories()) {
            all.addAll(readFirstPresent(mirror, source, dir));
        }
        return new PackageIndex(source, IndexProvenance.UNSIGNED, all);
    }

    /** The first index file the signed Release lists that the mirror has, checked against the Release. */
    private static List<DebianPackage> readVerified(Mirror mirror, DebianSource source, VerifiedRelease release,
            String dir) throws IOException {
        String relative = dir.substring(release.directory().length());
        List<ReleaseFile.Entry> listed = INDEX_NAMES.stream().map(n -> release.release().sha256().get(relative + n))
                .filter(java.util.Objects::nonNull).toList();
        if (listed.isEmpty()) {
            throw new IndexRefusedException(source, "the signed Release lists no " + relative + "Packages index");
        }
        for (ReleaseFile.Entry entry : listed) {
            String name = entry.path().substring(relative.length());
            InputStream raw = null;
            // by-hash names the exact file the Release lists, so a mirror mid-update cannot pair old Release, new index
            if (release.release().acquireByHash()) {
                raw = openOrNull(mirror, source, dir + "by-hash/SHA256/" + entry.sha256());
            }
            if (raw == null) {
                raw = openOrNull(mirror, source, dir + name);
            }
            if (raw == null) {
                continue;
            }
            String where = source.mirror() + dir + name;
            HashingInputStream hashed = HashingInputStream.limitedTo(raw, entry.size());
            List<DebianPackage> packages = null;
            IOException unreadable = null;
            String digest;
            try {
                try {
                    packages = parse(new InputStreamReader(decompressing(name, hashed), StandardCharsets.UTF_8));
                } catch (HashingInputStream.SizeExceeded e) {
                    throw e;
                } catch (IOException e) {
                    unreadable = e; // reported after the hash check: a tampered file is named as such, not as unparsable
                }
                digest = hashed.drainAndDigest();
            } catch (HashingInputStream.SizeExceeded e) {
                throw new IndexRefusedException(source, where + " is longer than the " + entry.size()
                        + " bytes the Release gives (tampered or wrong file)");
            } finally {
                hashed.close();
            }
            if (hashed.count() != entry.size()) {
                throw new IndexRefusedException(source,
                        where + " has " + hashed.count() + " bytes, but the signed Release "
                                + "gives " + entry.size() + " (tampered or wrong file)");
            }
            if (!digest.equals(entry.sha256())) {
                throw new IndexRefusedException(source,
                        where + " has SHA-256 " + digest + ", but the signed Release gives "
                                + entry.sha256() + " (tampered or wrong file)");
            }
            if (unreadable != null) {
                throw unreadable;
            }
            return packages;
        }
        throw new FileNotFoundException("the signed Release lists " + listed.stream().map(ReleaseFile.Entry::path)
                .toList() + " but the mirror has none of them below " + source.mirror() + release.directory());
    }

    private static InputStream openOrNull(Mirror mirror, DebianSource source, String path) throws IOException {
        try {
            return mirror.open(source.mirror(), path);
        } catch (FileNotFoundException e) {
            return null;
        }
    }

    private static InputStream decompressing(String name, InputStream raw) throws IOException {
        return name.endsWith(".xz")
                ? new XZCompressorInputStream(raw)
                : name.endsWith(".gz") ? new GzipCompressorInputStream(raw) : raw;
    }

    private static List<DebianPackage> readFirstPresent(Mirror mirror, DebianSource source, String dir)
            throws IOException {
        for (String name : INDEX_NAMES) {
            InputStream raw;
            try {
                raw = mirror.open(source.mirror(), dir + name);
            } catch (FileNotFoundException e) {
                continue;
            }
            try (InputStream in = decompressing(name, raw)) {
                return parse(new InputStreamReader(in, StandardCharsets.UTF_8));
            }
        }
        throw new FileNotFoundException("no Packages, Packages.gz or Packages.xz in " + source.mirror() + dir
                + " (" + source.describe() + ")");
    }

    /** Parses the text of a {@code Packages} file. */
    public static List<DebianPackage> parse(String text) {
        try {
            return parse(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<DebianPackage> parse(Reader reader) throws IOException {
        List<DebianPackage> packages = new ArrayList<>();
        BufferedReader lines = new BufferedReader(reader);
        Map<String, String> stanza = new LinkedHashMap<>();
        String last = null;
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.isBlank()) {
                if (!stanza.isEmpty()) {
                    packages.add(toPackage(stanza));
                    stanza = new LinkedHashMap<>();
                }
                last = null;
            } else if (Character.isWhitespace(line.charAt(0))) {
                if (last != null) {
                    stanza.merge(last, "\n" + line.strip(), String::concat);
                }
            } else {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("malformed Packages line: '" + line + "'");
                }
                last = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                stanza.put(last, line.substring(colon + 1).strip());
            }
        }
        if (!stanza.isEmpty()) {
            packages.add(toPackage(stanza));
        }
        return packages;
    }

    private static DebianPackage toPackage(Map<String, String> f) throws IOException {
        try {
            List<Relation> provides = Relation.parseField(f.get("provides")).stream().map(g -> g.get(0)).toList();
            return new DebianPackage(
                    f.get("package"),
                    DebianVersion.parse(f.getOrDefault("version", "")),
                    f.getOrDefault("architecture", ""),
                    Relation.parseField(f.get("depends")),
                    Relation.parseField(f.get("pre-depends")),
                    provides,
                    f.get("filename"),
                    Long.parseLong(f.getOrDefault("size", "-1")),
                    f.getOrDefault("sha256", "").toLowerCase(Locale.ROOT),
                    "yes".equalsIgnoreCase(f.get("essential")),
                    f.get("priority"),
                    f.get("multi-arch"));
        } catch (RuntimeException e) {
            throw new IOException("bad stanza for package '" + f.get("package") + "': " + e.getMessage(), e);
        }
    }

    public DebianSource source() {
        return source;
    }

    /** How this index was checked: signed (by which keys), unsigned, or not recorded (built with {@link #of}). */
    public IndexProvenance provenance() {
        return provenance;
    }

    /** Real packages with this name, newest first. */
    public List<DebianPackage> named(String name) {
        return byName.getOrDefault(name, List.of());
    }

    /** Packages whose Provides lists this name, newest first. */
    public List<DebianPackage> providing(String name) {
        return byProvided.getOrDefault(name, List.of());
    }

    public int size() {
        return byName.values().stream().mapToInt(List::size).sum();
    }
}
