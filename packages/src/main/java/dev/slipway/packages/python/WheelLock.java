package dev.slipway.packages.python;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pip {@code --require-hashes} lock: {@code name==version --hash=sha256:…} per requirement,
 * with {@code \} continuations and {@code #} comments. Every requirement must be pinned with
 * {@code ==} and hashed with SHA-256; editable, URL, path and archive requirements (sdists) and
 * environment markers are refused, each with its line number, all at once.
 *
 * <p>The indexes it names ({@code --index-url}, {@code --extra-index-url}, {@code --find-links}) are
 * honoured: they are where {@code build} looks when no {@code --wheels} is configured. Options Slipway
 * cannot honour are refused, never skipped.
 */
public record WheelLock(List<String> indexes, List<WheelRequirement> requirements) {

    static final Pattern REQUIREMENT = Pattern.compile(
            "([A-Za-z0-9][A-Za-z0-9._-]*)(\\[[^]]*])?\\s*(===|==|>=|<=|~=|!=|<|>)?\\s*([^\\s;]*)");
    /** Options naming where wheels are: the lock keeps them, in order. */
    static final Set<String> INDEX_OPTIONS = Set.of("--index-url", "-i", "--extra-index-url",
            "--find-links", "-f");
    /** Options that ask for what Slipway does anyway: it installs wheels only. */
    static final Set<String> BINARY_OPTIONS = Set.of("--prefer-binary", "--only-binary");

    public WheelLock(List<WheelRequirement> requirements) {
        this(List.of(), requirements);
    }

    public WheelLock {
        indexes = List.copyOf(indexes);
        requirements = requirements.stream().sorted(java.util.Comparator.comparing(WheelRequirement::name)).toList();
        Set<String> names = new HashSet<>();
        for (WheelRequirement r : requirements) {
            if (!names.add(r.name())) {
                throw new IllegalArgumentException("'" + r.name() + "' is required twice");
            }
        }
    }

    public static WheelLock read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    public static WheelLock parse(String text) {
        List<WheelRequirement> requirements = new ArrayList<>();
        List<String> indexes = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNumber = i + 1;
            StringBuilder logical = new StringBuilder();
            String line = stripComment(lines[i]);
            while (line.endsWith("\\") && i + 1 < lines.length) {
                logical.append(line, 0, line.length() - 1).append(' ');
                line = stripComment(lines[++i]);
            }
            logical.append(line);
            String req = logical.toString().strip();
            if (req.isEmpty()) {
                continue;
            }
            try {
                String[] option = req.split("[\\s=]+", 2);
                if (INDEX_OPTIONS.contains(option[0])) {
                    if (option.length < 2 || option[1].isBlank()) {
                        throw new IllegalArgumentException(option[0] + " needs a URL");
                    }
                    indexes.add(option[1].strip());
                    continue;
                }
                WheelRequirement r = parseRequirement(req);
                if (r == null) {
                    continue;
                }
                if (!seen.add(r.name())) {
                    problems.add("line " + lineNumber + ": '" + r.name() + "' is required twice");
                } else {
                    requirements.add(r);
                }
            } catch (IllegalArgumentException e) {
                problems.add("line " + lineNumber + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new WheelProblems(problems);
        }
        return new WheelLock(indexes, requirements);
    }

    /**
     * The lock as {@code lock} writes it: a header naming the pinned list it was made from, the indexes, then one
     * requirement per entry with its hashes, sorted; pip reads it with {@code --require-hashes}.
     */
    public String write(String madeFrom) {
        StringBuilder out = new StringBuilder("# slipway wheel lock v1, written by `lock` from ").append(madeFrom)
                .append("; edit that list and lock again, not this file\n");
        for (int i = 0; i < indexes.size(); i++) {
            out.append(i == 0 ? "--index-url " : "--extra-index-url ").append(indexes.get(i)).append('\n');
        }
        for (WheelRequirement r : requirements) {
            out.append(r.name()).append("==").append(r.version());
            for (String h : r.sha256()) {
                out.append(" \\\n    --hash=sha256:").append(h);
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** pip: a comment starts at '#' at the line start or after whitespace. */
    static String stripComment(String line) {
        Matcher m = Pattern.compile("(^|\\s)#").matcher(line);
        return (m.find() ? line.substring(0, m.start()) : line).stripTrailing();
    }

    private static WheelRequirement parseRequirement(String text) {
        String[] tokens = text.split("\\s+");
        if (tokens[0].startsWith("-")) {
            String option = tokens[0].split("=", 2)[0];
            if (BINARY_OPTIONS.contains(option)) {
                return null;
            }
            throw new IllegalArgumentException("'" + text + "' is not allowed in a wheel lock"
                    + (option.equals("-e") || option.equals("--editable")
                            ? " (editable installs are not reproducible)"
                            : option.equals("--trusted-host")
                                    ? " (a plain-HTTP index is configuration: pass --wheels http://...)"
                                    : option.equals("--no-binary")
                                            ? " (Slipway installs wheels only, never builds sdists)"
                                            : " (Slipway reads --index-url, --extra-index-url and --find-links)"));
        }
        int firstOption = text.indexOf(" --");
        String spec = (firstOption < 0 ? text : text.substring(0, firstOption)).strip();
        String options = firstOption < 0 ? "" : text.substring(firstOption);
        if (spec.contains("://") || spec.contains(" @ ") || spec.contains("/") || spec.endsWith(".tar.gz")
                || spec.endsWith(".zip") || spec.endsWith(".whl")) {
            throw new IllegalArgumentException("'" + spec + "' is a URL, path or archive, not a pinned wheel; "
                    + "pin it as name==version with --hash=sha256:…");
        }
        if (spec.contains(";")) {
            throw new IllegalArgumentException("'" + spec + "' has an environment marker; Slipway does not evaluate "
                    + "markers, lock for the target platform instead");
        }
        Matcher m = REQUIREMENT.matcher(spec);
        if (!m.matches()) {
            throw new IllegalArgumentException("cannot parse requirement '" + spec + "'");
        }
        String name = m.group(1);
        if (m.group(3) == null || !(m.group(3).equals("==") || m.group(3).equals("==="))
                || m.group(4).isEmpty() || m.group(4).contains("*") || m.group(4).contains(",")) {
            throw new IllegalArgumentException(
                    "'" + name + "' is not pinned ('" + spec + "'); use " + name + "==VERSION");
        }
        List<String> hashes = new ArrayList<>();
        for (String option : options.strip().split("\\s+")) {
            if (option.isEmpty()) {
                continue;
            }
            if (option.startsWith("--hash=sha256:")) {
                hashes.add(option.substring("--hash=sha256:".length()).toLowerCase(java.util.Locale.ROOT));
            } else if (option.startsWith("--hash=")) {
                throw new IllegalArgumentException("'" + name + "': only sha256 hashes are accepted, got " + option);
            } else {
                throw new IllegalArgumentException("'" + name + "': unsupported option " + option);
            }
        }
        if (hashes.isEmpty()) {
            throw new IllegalArgumentException("'" + name + "==" + m.group(4) + "' has no --hash=sha256:…; "
                    + "every requirement must be hash-locked");
        }
        return new WheelRequirement(name, m.group(4), hashes);
    }
}
