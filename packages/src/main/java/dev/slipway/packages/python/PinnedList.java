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

/**
 * What {@code lock} makes a wheel lock from: a fully pinned requirements list, {@code name==version} for every
 * package as {@code pip freeze} prints it, with the indexes to find them in ({@code --index-url},
 * {@code --extra-index-url}, {@code --find-links}). Ranges, URLs, editables and markers are refused, all at once.
 */
public record PinnedList(List<String> indexes, List<Pin> pins) {

    /** One {@code name==version}. */
    public record Pin(String name, String version) {
        public Pin {
            name = WheelRequirement.normalise(name);
        }

        @Override
        public String toString() {
            return name + "==" + version;
        }
    }

    public PinnedList {
        indexes = List.copyOf(indexes);
        pins = pins.stream().sorted(java.util.Comparator.comparing(Pin::name)).toList();
    }

    public static PinnedList read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    public static PinnedList parse(String text) {
        List<String> indexes = new ArrayList<>();
        List<Pin> pins = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = WheelLock.stripComment(lines[i]).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = "line " + (i + 1) + ": ";
            String[] option = line.split("[\\s=]+", 2);
            if (WheelLock.INDEX_OPTIONS.contains(option[0])) {
                if (option.length < 2 || option[1].isBlank()) {
                    problems.add(where + option[0] + " needs a URL");
                } else {
                    indexes.add(option[1].strip());
                }
                continue;
            }
            if (WheelLock.BINARY_OPTIONS.contains(option[0])) {
                continue;
            }
            if (line.startsWith("-")) {
                problems.add(
                        where + "'" + line + "' is not allowed in a pinned list; expected name==version, --index-url, "
                                + "--extra-index-url or --find-links");
                continue;
            }
            String spec = line.split("\\s+--", 2)[0].strip();
            Matcher m = WheelLock.REQUIREMENT.matcher(spec);
            if (spec.contains(";") || spec.contains("://") || spec.contains(" @ ") || !m.matches()) {
                problems.add(where + "'" + spec + "' is not name==version");
                continue;
            }
            if (m.group(3) == null || !(m.group(3).equals("==") || m.group(3).equals("===")) || m.group(4).isEmpty()
                    || m.group(4).contains("*")) {
                problems.add(where + "'" + m.group(1) + "' is not pinned ('" + spec + "'); use " + m.group(1)
                        + "==VERSION, as pip freeze prints it");
                continue;
            }
            Pin pin = new Pin(m.group(1), m.group(4));
            if (!seen.add(pin.name())) {
                problems.add(where + "'" + pin.name() + "' is pinned twice");
                continue;
            }
            pins.add(pin);
        }
        if (!problems.isEmpty()) {
            throw new WheelProblems(problems);
        }
        return new PinnedList(indexes, pins);
    }
}
