package dev.slipway.packages.python;

import dev.slipway.packages.layer.ContentSpool;
import dev.slipway.packages.layer.LayerContent;
import dev.slipway.packages.layer.LayerDigest;
import dev.slipway.packages.layer.LayerEntry;
import dev.slipway.packages.layer.LayerTree;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * Installs hash-locked wheels into a layer the way pip would, without pip and without running
 * any code: files into site-packages, {@code .data/scripts} and console/GUI entry points into the
 * bin directory with the target's shebang, {@code INSTALLER} = {@code slipway} and a rewritten
 * {@code RECORD}. No {@code .pyc} files are written (Python compiles on first import).
 *
 * <p>Streamed end to end: a wheel from an index is downloaded to a file (hashed on the way), read
 * through its zip directory, and every member is copied into a {@link ContentSpool}; neither a
 * wheel nor one of its files is ever held in memory, so a 2 GB torch wheel costs what a small one does.
 * Wheels are looked up in every source, in order; which one serves a file does not matter, its
 * SHA-256 is what the lock pins.
 */
public final class WheelInstaller {

    static final Pattern WHEEL_NAME = Pattern.compile(
            "([^-]+)-([^-]+)(?:-([0-9][^-]*))?-([^-]+)-([^-]+)-([^-]+)\\.whl");
    /** Files read into memory to be rewritten (scripts' shebangs); larger ones are copied as they are. */
    private static final long REWRITE_LIMIT = 1 << 20;

    private final List<WheelSource> sources;
    private final WheelTarget target;
    private final Path downloads;
    private final HttpClient http;

    /** One source; wheels from an index are downloaded under the system's temporary directory. */
    public WheelInstaller(WheelSource source, WheelTarget target) {
        this(List.of(source), target, Path.of(System.getProperty("java.io.tmpdir"), "slipway-wheels"));
    }

    /** {@code downloads} keeps verified wheels fetched from indexes (e.g. the Slipway cache), and the spool. */
    public WheelInstaller(List<WheelSource> sources, WheelTarget target, Path downloads) {
        this(sources, target, downloads, HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20)).build());
    }

    public WheelInstaller(List<WheelSource> sources, WheelTarget target, Path downloads, HttpClient http) {
        this.sources = List.copyOf(sources);
        if (this.sources.isEmpty()) {
            throw new IllegalArgumentException("no wheel source");
        }
        this.target = Objects.requireNonNull(target, "target");
        this.downloads = Objects.requireNonNull(downloads, "downloads");
        this.http = Objects.requireNonNull(http, "http");
    }

    /**
     * Installs every requirement of the lock into a new layer tree whose file contents live in {@code spool} (keep
     * it open until the tree is written); refuses with every problem at once.
     */
    public LayerTree install(WheelLock lock, ContentSpool spool) throws IOException {
        List<String> problems = new ArrayList<>();
        Map<String, String> owner = new TreeMap<>();
        LayerTree tree = new LayerTree();
        for (WheelRequirement r : lock.requirements()) {
            try {
                Path wheel = choose(r);
                for (LayerEntry e : unpack(wheel.getFileName().toString(), wheel, spool)) {
                    String previous = owner.putIfAbsent(e.path(), r.name());
                    if (previous != null) {
                        throw new IllegalArgumentException("/" + e.path() + " is also installed by " + previous);
                    }
                    tree.add(e);
                }
            } catch (IllegalArgumentException e) {
                problems.add(r + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new WheelProblems(problems);
        }
        return tree;
    }

    /** {@link #install} with a spool in the downloads directory that lives as long as the JVM; for inspection. */
    public LayerTree install(WheelLock lock) throws IOException {
        return install(lock, ContentSpool.create(downloads));
    }

    /** {@link #install}, written as a reproducible layer tar. */
    public LayerDigest writeTar(WheelLock lock, Path file) throws IOException {
        try (ContentSpool spool = ContentSpool.create(downloads)) {
            return install(lock, spool).writeTar(file);
        }
    }

    /** {@link #install}, written as a reproducible layer tar to {@code out}. */
    public LayerDigest writeTar(WheelLock lock, OutputStream out) throws IOException {
        try (ContentSpool spool = ContentSpool.create(downloads)) {
            return install(lock, spool).writeTar(out);
        }
    }

    /** The first offered wheel (by source, then file name) that fits the target and has a locked hash, as a file. */
    private Path choose(WheelRequirement r) throws IOException {
        List<String> fitting = new ArrayList<>();
        List<String> sdists = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (WheelSource source : sources) {
            for (WheelSource.Offered f : source.offered(r.name(), http)) {
                Matcher m = WHEEL_NAME.matcher(f.filename());
                if (!m.matches()) {
                    if (f.filename().endsWith(".tar.gz") || f.filename().endsWith(".zip")
                            || f.filename().endsWith(".tar.bz2")) {
                        String v = f.filename().substring(0,
                                f.filename().length() - (f.filename().endsWith(".zip") ? 4 : 7));
                        if (v.endsWith("-" + r.version())) {
                            sdists.add(f.filename());
                        }
                    }
                    continue;
                }
                if (!WheelRequirement.normalise(m.group(1)).equals(r.name()) || !sameVersion(m.group(2), r.version())) {
                    continue;
                }
                if (!target.accepts(m.group(4), m.group(5), m.group(6))) {
                    continue;
                }
                fitting.add(f.filename());
                if (f.sha256().isPresent() && !r.sha256().contains(f.sha256().get())) {
                    refused.add(f.filename() + " has sha256 " + f.sha256().get() + " (as " + source + " states)");
                    continue;
                }
                Path file;
                String sha;
                if (source instanceof WheelSource.Directory) {
                    file = Path.of(f.file());
                    sha = WheelSource.sha256(file);
                } else {
                    file = downloads.resolve(f.filename());
                    sha = Files.isRegularFile(file) ? WheelSource.sha256(file) : "";
                    if (!r.sha256().contains(sha)) {
                        sha = WheelSource.download(f.location(), http, file);
                    }
                }
                if (r.sha256().contains(sha)) {
                    return file;
                }
                if (!(source instanceof WheelSource.Directory)) {
                    Files.deleteIfExists(file);
                }
                refused.add(f.filename() + " has sha256 " + sha);
            }
        }
        if (!refused.isEmpty()) {
            throw new IllegalArgumentException("hash mismatch, refused: " + String.join("; ", refused)
                    + "; the lock allows " + String.join(", ", r.sha256()));
        }
        if (fitting.isEmpty() && !sdists.isEmpty()) {
            throw new IllegalArgumentException("only a source distribution is available (" + String.join(", ", sdists)
                    + "); Slipway installs wheels only, never builds sdists");
        }
        throw new IllegalArgumentException("no wheel for Python " + target.pythonVersion() + " on " + target.machine()
                + " in " + String.join(", ", sources.stream().map(String::valueOf).toList()));
    }

    static boolean sameVersion(String offered, String pinned) {
        try {
            return PythonVersion.parse(offered).toString().equals(PythonVersion.parse(pinned).toString());
        } catch (IllegalArgumentException notPep440) {
            return offered.equals(pinned);
        }
    }

    /** A member of the wheel, spooled, with its RECORD-style hash. */
    private record Member(LayerContent content, String hash, int mode) {
    }

    private List<LayerEntry> unpack(String filename, Path wheel, ContentSpool spool) throws IOException {
        Matcher name = WHEEL_NAME.matcher(filename);
        if (!name.matches()) {
            throw new IllegalArgumentException(filename + " is not a wheel file name");
        }
        String distInfo = name.group(1) + "-" + name.group(2) + ".dist-info/";
        String dataDir = name.group(1) + "-" + name.group(2) + ".data/";
        Map<String, Member> files = new TreeMap<>();
        try (ZipFile zip = ZipFile.builder().setPath(wheel).get()) {
            for (ZipArchiveEntry e : Collections.list(zip.getEntriesInPhysicalOrder())) {
                if (e.isDirectory()) {
                    continue;
                }
                String path = LayerEntry.normalise(e.getName());
                MessageDigest sha = sha256();
                LayerContent content;
                try (InputStream in = new DigestInputStream(zip.getInputStream(e), sha)) {
                    content = spool.append(in);
                }
                String hash = Base64.getUrlEncoder().withoutPadding().encodeToString(sha.digest());
                if (files.put(path, new Member(content, hash, (e.getUnixMode() & 0111) != 0 ? 0755 : 0644)) != null) {
                    throw new IllegalArgumentException(filename + " holds " + path + " twice");
                }
            }
        }
        for (String required : List.of("METADATA", "WHEEL", "RECORD")) {
            if (!files.containsKey(distInfo + required)) {
                throw new IllegalArgumentException(filename + " has no " + distInfo + required);
            }
        }
        verifyRecord(filename, files, distInfo);
        String site = target.sitePackages();
        Map<String, Member> out = new TreeMap<>();
        for (Map.Entry<String, Member> f : files.entrySet()) {
            String path = f.getKey();
            Member member = f.getValue();
            if (path.equals(distInfo + "RECORD") || path.equals(distInfo + "INSTALLER")) {
                continue;
            }
            if (path.startsWith(dataDir)) {
                String rest = path.substring(dataDir.length());
                String scheme = rest.split("/", 2)[0];
                String inner = rest.substring(Math.min(rest.length(), scheme.length() + 1));
                switch (scheme) {
                    case "purelib", "platlib" -> put(out, site + "/" + inner, member);
                    case "scripts" -> put(out, target.binDir() + "/" + inner, script(member));
                    case "data" -> put(out, target.prefix() + "/" + inner, member);
                    case "headers" -> put(out, target.prefix() + "/include/site/python" + target.pythonVersion() + "/"
                            + name.group(1) + "/" + inner, new Member(member.content(), member.hash(), 0644));
                    default -> throw new IllegalArgumentException(filename + " has an unknown data scheme " + scheme);
                }
            } else {
                put(out, site + "/" + path, member);
            }
        }
        Member entryPoints = files.get(distInfo + "entry_points.txt");
        if (entryPoints != null) {
            String text = new String(entryPoints.content().bytes(), StandardCharsets.UTF_8);
            for (Map.Entry<String, String> script : EntryPoints.scripts(text).entrySet()) {
                put(out, target.binDir() + "/" + script.getKey(), generated(0755,
                        EntryPoints.launcher(target.interpreter(), script.getValue())
                                .getBytes(StandardCharsets.UTF_8)));
            }
        }
        put(out, site + "/" + distInfo + "INSTALLER", generated(0644, "slipway\n".getBytes(StandardCharsets.UTF_8)));
        String recordPath = LayerEntry.normalise(site + "/" + distInfo + "RECORD");
        byte[] record = record(out, site, "/" + recordPath);
        put(out, "/" + recordPath, generated(0644, record));
        List<LayerEntry> entries = new ArrayList<>();
        for (Map.Entry<String, Member> e : out.entrySet()) {
            entries.add(
                    new LayerEntry(e.getKey(), LayerEntry.Kind.FILE, e.getValue().mode(), 0, 0, "root", "root", null,
                            e.getValue().content()));
        }
        return entries;
    }

    private static Member generated(int mode, byte[] content) {
        return new Member(LayerContent.of(content), urlsafeSha256(content), mode);
    }

    private static void put(Map<String, Member> out, String path, Member member) {
        if (out.put(LayerEntry.normalise(path), member) != null) {
            throw new IllegalArgumentException("the wheel installs " + path + " twice");
        }
    }

    /** A script from {@code .data/scripts}, executable, its {@code #!python} pointed at the target interpreter. */
    private Member script(Member member) {
        if (member.content().size() > REWRITE_LIMIT) {
            return new Member(member.content(), member.hash(), 0755);
        }
        byte[] bytes = member.content().bytes();
        byte[] rewritten = shebang(bytes);
        return rewritten == bytes ? new Member(member.content(), member.hash(), 0755) : generated(0755, rewritten);
    }

    /** pip rewrites {@code #!python} in .data/scripts to the target interpreter. */
    private byte[] shebang(byte[] script) {
        String text = new String(script, StandardCharsets.ISO_8859_1);
        if (text.startsWith("#!python")) {
            int eol = text.indexOf('\n');
            String rest = eol < 0 ? "" : text.substring(eol);
            return ("#!" + target.interpreter() + rest).getBytes(StandardCharsets.ISO_8859_1);
        }
        return script;
    }

    /** Every file listed in the wheel's RECORD with a hash must match it, as pip checks. */
    private static void verifyRecord(String filename, Map<String, Member> files, String distInfo) {
        String record = new String(files.get(distInfo + "RECORD").content().bytes(), StandardCharsets.UTF_8);
        for (String line : record.split("\r?\n")) {
            List<String> cols = Csv.split(line);
            if (cols.size() < 2 || cols.get(1).isEmpty()) {
                continue;
            }
            String path = LayerEntry.normalise(cols.get(0));
            Member member = files.get(path);
            if (member == null) {
                throw new IllegalArgumentException(filename + ": RECORD lists " + path + ", which is not in the wheel");
            }
            String[] hash = cols.get(1).split("=", 2);
            if (!hash[0].equals("sha256") || hash.length != 2 || !hash[1].equals(member.hash())) {
                throw new IllegalArgumentException(filename + ": " + path + " does not match its RECORD hash");
            }
        }
    }

    /** The installed RECORD: paths relative to site-packages, sorted, RECORD itself unhashed. */
    private static byte[] record(Map<String, Member> entries, String site, String recordPath) {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, Member> e : entries.entrySet()) {
            lines.add(Csv.quote(relative(site, "/" + e.getKey())) + ",sha256=" + e.getValue().hash() + ","
                    + e.getValue().content().size());
        }
        lines.add(Csv.quote(relative(site, recordPath)) + ",,");
        Collections.sort(lines);
        return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    static String relative(String from, String to) {
        List<String> a = List.of(LayerEntry.normalise(from).split("/"));
        List<String> b = List.of(LayerEntry.normalise(to).split("/"));
        int common = 0;
        while (common < a.size() && common < b.size() - 1 && a.get(common).equals(b.get(common))) {
            common++;
        }
        StringBuilder out = new StringBuilder();
        for (int i = common; i < a.size(); i++) {
            out.append("../");
        }
        out.append(String.join("/", b.subList(common, b.size())));
        return out.toString();
    }

    static String urlsafeSha256(byte[] content) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest(content));
    }

    static String sha256Hex(byte[] content) {
        return HexFormat.of().formatHex(digest(content));
    }

    private static byte[] digest(byte[] content) {
        return sha256().digest(content);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
