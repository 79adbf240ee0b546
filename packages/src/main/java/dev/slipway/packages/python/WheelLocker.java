package dev.slipway.packages.python;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * Writes a wheel lock from a fully pinned list, without a resolver: for every pin it chooses the wheel that fits the
 * target (cp311, manylinux or linux, x86_64; the most specific tags first), takes its SHA-256 from the index
 * (PEP 691 {@code hashes}, PEP 503 {@code #sha256=}) or from the file itself, reads its {@code Requires-Dist}
 * (from the PEP 658 metadata file when the index serves one, else from the wheel) and checks every requirement whose
 * marker holds for the target against the list and the family's lineage. Every unsatisfied requirement, every pin
 * without a wheel and every pin the lineage already installs is reported, by name and range, all at once.
 */
public final class WheelLocker {

    private static final Pattern REQUIRES = Pattern.compile(
            "([A-Za-z0-9][A-Za-z0-9._-]*)\\s*(\\[[^]]*])?\\s*(.*)");

    /** A package the family's lineage already installs, and which family installs it. */
    public record Provided(String name, String version, String by) {
    }

    private final List<WheelSource> sources;
    private final WheelTarget target;
    private final Path downloads;
    private final HttpClient http;

    public WheelLocker(List<WheelSource> sources, WheelTarget target, Path downloads) {
        this(sources, target, downloads, HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20)).build());
    }

    public WheelLocker(List<WheelSource> sources, WheelTarget target, Path downloads, HttpClient http) {
        this.sources = List.copyOf(sources);
        this.target = target;
        this.downloads = downloads;
        this.http = http;
    }

    /**
     * The lock of {@code pinned}, naming {@code indexes}; {@code lineage} is what the family's parents install (by
     * normalised name). Throws {@link WheelProblems} with every problem; an index that cannot be read is an
     * {@link IOException}.
     */
    public WheelLock lock(PinnedList pinned, List<String> indexes, Map<String, Provided> lineage) throws IOException {
        Map<String, PinnedList.Pin> pins = new TreeMap<>();
        pinned.pins().forEach(p -> pins.put(p.name(), p));
        List<String> problems = new ArrayList<>();
        List<WheelRequirement> locked = new ArrayList<>();
        Map<String, String> environment = Marker.linux(target.pythonVersion(), target.machine());
        for (PinnedList.Pin pin : pinned.pins()) {
            Provided parent = lineage.get(pin.name());
            if (parent != null) {
                problems.add(pin + ": '" + pin.name() + "' " + parent.version() + " is already installed by family '"
                        + parent.by() + "'; a family never re-installs what its lineage has, take it out of the list");
                continue;
            }
            Optional<Chosen> chosen = choose(pin, problems);
            if (chosen.isEmpty()) {
                continue;
            }
            locked.add(new WheelRequirement(pin.name(), pin.version(), List.of(chosen.get().sha256())));
            for (String requirement : requiresDist(chosen.get())) {
                check(pin, chosen.get().offered().filename(), requirement, environment, pins, lineage, problems);
            }
        }
        if (!problems.isEmpty()) {
            throw new WheelProblems(problems);
        }
        return new WheelLock(indexes, locked);
    }

    /** A wheel chosen for a pin, with its SHA-256 and (if it had to be fetched) the local file. */
    private record Chosen(WheelSource.Offered offered, String sha256, Optional<Path> file) {
    }

    private Optional<Chosen> choose(PinnedList.Pin pin, List<String> problems) throws IOException {
        List<WheelSource.Offered> fitting = new ArrayList<>();
        boolean sdist = false;
        for (WheelSource source : sources) {
            for (WheelSource.Offered f : source.offered(pin.name(), http)) {
                Matcher m = WheelInstaller.WHEEL_NAME.matcher(f.filename());
                if (!m.matches()) {
                    sdist |= f.filename().contains("-" + pin.version() + ".");
                    continue;
                }
                if (WheelRequirement.normalise(m.group(1)).equals(pin.name()) && WheelInstaller.sameVersion(m.group(2),
                        pin.version()) && target.accepts(m.group(4), m.group(5), m.group(6))) {
                    fitting.add(f);
                }
            }
        }
        if (fitting.isEmpty()) {
            problems.add(
                    pin + ": no wheel for CPython " + target.pythonVersion() + " on linux " + target.machine() + " in "
                            + String.join(", ", sources.stream().map(String::valueOf).toList())
                            + (sdist ? " (only a source distribution; Slipway installs wheels only)" : ""));
            return Optional.empty();
        }
        fitting.sort(Comparator.comparingInt(this::rank).thenComparing(WheelSource.Offered::filename));
        WheelSource.Offered best = fitting.get(0);
        if (best.sha256().isPresent()) {
            return Optional.of(new Chosen(best, best.sha256().get(), Optional.empty()));
        }
        // the index states no hash: the file's own SHA-256 is the one to pin
        Path file = fetched(best);
        return Optional.of(new Chosen(best, WheelSource.sha256(file), Optional.of(file)));
    }

    /** Exact interpreter tags first, then the stable ABI, then pure Python; manylinux before plain linux. */
    private int rank(WheelSource.Offered f) {
        Matcher m = WheelInstaller.WHEEL_NAME.matcher(f.filename());
        m.matches();
        String cp = "cp" + target.pythonVersion().replace(".", "");
        int python = List.of(m.group(4).split("\\.")).contains(cp) && List.of(m.group(5).split("\\.")).contains(cp)
                ? 0
                : m.group(5).contains("abi3") ? 1 : 2;
        int platform = m.group(6).contains("manylinux") ? 0 : m.group(6).startsWith("linux") ? 1 : 2;
        return python * 3 + platform;
    }

    private Path fetched(WheelSource.Offered f) throws IOException {
        if ("file".equals(f.file().getScheme())) {
            return Path.of(f.file());
        }
        Path file = downloads.resolve(f.filename());
        if (!Files.isRegularFile(file) || f.sha256().filter(s -> !s.equals(sha(file))).isPresent()) {
            WheelSource.download(f.location(), http, file);
        }
        return file;
    }

    private static String sha(Path file) {
        try {
            return WheelSource.sha256(file);
        } catch (IOException e) {
            return "";
        }
    }

    /** The wheel's Requires-Dist lines: from the index's metadata file if it has one, else from the wheel. */
    private List<String> requiresDist(Chosen chosen) throws IOException {
        String metadata;
        if (chosen.offered().metadata() && chosen.file().isEmpty()) {
            metadata = new String(WheelSource.read(URI.create(chosen.offered().file() + ".metadata"), http),
                    StandardCharsets.UTF_8);
        } else {
            metadata = metadataOf(chosen.file().isPresent() ? chosen.file().get() : fetched(chosen.offered()),
                    chosen.offered().filename());
        }
        List<String> requires = new ArrayList<>();
        for (String line : metadata.split("\r?\n")) {
            if (line.isEmpty()) {
                break;
            }
            if (line.regionMatches(true, 0, "Requires-Dist:", 0, "Requires-Dist:".length())) {
                requires.add(line.substring("Requires-Dist:".length()).strip());
            }
        }
        return requires;
    }

    /** {@code NAME-VERSION.dist-info/METADATA}, read through the zip directory (the wheel is not loaded). */
    static String metadataOf(Path wheel, String filename) throws IOException {
        try (ZipFile zip = ZipFile.builder().setPath(wheel).get()) {
            for (ZipArchiveEntry e : java.util.Collections.list(zip.getEntries())) {
                String name = e.getName();
                if (name.endsWith(".dist-info/METADATA") && name.indexOf('/') == name.length() - "/METADATA".length()) {
                    try (InputStream in = zip.getInputStream(e)) {
                        return new String(in.readNBytes(1 << 22), StandardCharsets.UTF_8);
                    }
                }
            }
        }
        throw new IOException(filename + " has no .dist-info/METADATA");
    }

    private static void check(PinnedList.Pin pin, String wheel, String requirement, Map<String, String> environment,
            Map<String, PinnedList.Pin> pins, Map<String, Provided> lineage, List<String> problems) {
        String[] parts = requirement.split(";", 2);
        String where = pin + " (" + wheel + ") requires '" + requirement.split(";", 2)[0].strip() + "'";
        try {
            if (parts.length == 2 && !Marker.evaluate(parts[1], environment)) {
                return;
            }
            Matcher m = REQUIRES.matcher(parts[0].strip());
            if (!m.matches() || m.group(3).strip().startsWith("@")) {
                problems.add(where + ": not a name and version range Slipway can check");
                return;
            }
            String name = WheelRequirement.normalise(m.group(1));
            Specifier range = Specifier.parse(m.group(3));
            PinnedList.Pin pinned = pins.get(name);
            Provided provided = lineage.get(name);
            String version = pinned != null ? pinned.version() : provided != null ? provided.version() : null;
            if (version == null) {
                problems.add(
                        where + ": '" + name + "' (" + range + ") is neither pinned in the list nor installed by the "
                                + "family's lineage");
                return;
            }
            if (!range.accepts(PythonVersion.parse(version))) {
                problems.add(where + ": '" + name + "' " + range + " is not satisfied by " + version
                        + (pinned != null
                                ? " (pinned in the list)"
                                : " (installed by family '" + provided.by() + "')"));
            }
        } catch (IllegalArgumentException e) {
            problems.add(where + ": " + e.getMessage());
        }
    }
}
