package dev.slipway.packages.debian;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code /var/lib/dpkg/status} for packages unpacked without dpkg, so image scanners see them:
 * each package's own control stanza with {@code Status: install ok installed}, sorted by name.
 */
final class DpkgStatus {

    private DpkgStatus() {
    }

    static String render(List<String> controls) {
        List<String> stanzas = new ArrayList<>();
        for (String control : controls) {
            StringBuilder s = new StringBuilder();
            for (String line : control.strip().split("\n")) {
                s.append(line).append('\n');
                if (line.startsWith("Package:")) {
                    s.append("Status: install ok installed\n");
                }
            }
            stanzas.add(s.toString());
        }
        stanzas.sort(Comparator.naturalOrder());
        return String.join("\n", stanzas);
    }

    /** The {@code Package:} value of a control stanza. */
    static String field(String control, String name) {
        for (String line : control.split("\n")) {
            if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                return line.substring(name.length() + 1).strip();
            }
        }
        return "";
    }
}
