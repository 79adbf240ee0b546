package dev.slipway.packages.debian;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The pinned Debian packages of one family. Text format, one package per line, sorted by name,
 * so a version bump is a one-line diff:
 *
 * <pre>
 * # slipway debian lock v2
 * family base-python
 * source http://deb.example/debian/ bookworm main amd64
 * index signed 4D64FEC119C2029067D6E791F8D2585B8783D481
 * # package NAME VERSION ARCH SIZE SHA256 FILENAME
 * package libc6 2.36-9+deb12u10 amd64 2757936 0123…cdef pool/main/g/glibc/libc6_2.36-9+deb12u10_amd64.deb
 * </pre>
 *
 * Fields are separated by one space; none of them can contain one. Lines starting with
 * {@code #} and blank lines are ignored on reading. Writing is byte-stable: LF line ends, UTF-8.
 * {@code index} (v2) says how the Packages index was checked when locking ({@link IndexProvenance}); a v1 lock has
 * none, reads as {@link IndexProvenance#UNRECORDED} and is written back as v1.
 */
public record DebianLock(String family, DebianSource source, IndexProvenance provenance, List<LockedPackage> packages) {

    static final String HEADER_V1 = "# slipway debian lock v1";
    static final String HEADER = "# slipway debian lock v2";
    private static final Pattern HEADER_LINE = Pattern.compile("# slipway debian lock v(\\d+)");
    private static final Pattern FAMILY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._\\-]*");

    public DebianLock {
        if (family == null || !FAMILY.matcher(family).matches()) {
            throw new IllegalArgumentException("invalid family name '" + family + "'");
        }
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(provenance, "provenance");
        packages = packages.stream().sorted().toList();
        Set<String> seen = new HashSet<>();
        for (LockedPackage p : packages) {
            if (!seen.add(p.name() + ":" + p.architecture())) {
                throw new IllegalArgumentException(
                        "family '" + family + "': package '" + p.name() + "' is locked twice");
            }
        }
    }

    /** A lock whose index check is not recorded (as a v1 lock reads). */
    public DebianLock(String family, DebianSource source, List<LockedPackage> packages) {
        this(family, source, IndexProvenance.UNRECORDED, packages);
    }

    public String write() {
        boolean recorded = provenance.kind() != IndexProvenance.Kind.UNRECORDED;
        StringBuilder out = new StringBuilder();
        out.append(recorded ? HEADER : HEADER_V1).append('\n');
        out.append("family ").append(family).append('\n');
        out.append("source ").append(source.toLine()).append('\n');
        if (recorded) {
            out.append("index ").append(provenance.toLine()).append('\n');
        }
        out.append("# package NAME VERSION ARCH SIZE SHA256 FILENAME\n");
        for (LockedPackage p : packages) {
            out.append("package ").append(p.name()).append(' ').append(p.version()).append(' ')
                    .append(p.architecture()).append(' ').append(p.size()).append(' ').append(p.sha256()).append(' ')
                    .append(p.filename()).append('\n');
        }
        return out.toString();
    }

    public void writeTo(Path file) throws IOException {
        Files.writeString(file, write(), StandardCharsets.UTF_8);
    }

    public static DebianLock read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    /** Parses a lock; every malformed line is reported, with its number, in one exception. */
    public static DebianLock parse(String text) {
        String family = null;
        DebianSource source = null;
        IndexProvenance provenance = IndexProvenance.UNRECORDED;
        List<LockedPackage> packages = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            java.util.regex.Matcher header = HEADER_LINE.matcher(line);
            if (header.matches() && Integer.parseInt(header.group(1)) > 2) {
                errors.add("line " + (i + 1) + ": lock format v" + header.group(1)
                        + " is newer than this Slipway reads (v2)");
                continue;
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(" ");
            try {
                switch (f[0]) {
                    case "family" -> family = line.substring("family ".length()).strip();
                    case "source" -> source = DebianSource.fromLine(line.substring("source ".length()));
                    case "index" -> provenance = IndexProvenance.fromLine(line.substring("index".length()));
                    case "package" -> {
                        if (f.length != 7) {
                            throw new IllegalArgumentException(
                                    "expected 'package NAME VERSION ARCH SIZE SHA256 FILENAME'");
                        }
                        packages.add(new LockedPackage(f[1], DebianVersion.parse(f[2]), f[3], f[6],
                                Long.parseLong(f[4]), f[5]));
                    }
                    default -> throw new IllegalArgumentException("unknown line kind '" + f[0] + "'");
                }
            } catch (RuntimeException e) {
                errors.add("line " + (i + 1) + ": " + e.getMessage());
            }
        }
        if (family == null) {
            errors.add("no 'family' line");
        }
        if (source == null) {
            errors.add("no 'source' line");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid debian lock:\n" + String.join("\n", errors));
        }
        return new DebianLock(family, source, provenance, packages);
    }
}
