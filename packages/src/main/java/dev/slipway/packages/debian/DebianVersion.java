package dev.slipway.packages.debian;

import java.util.Objects;

/**
 * A Debian package version {@code [epoch:]upstream[-revision]}, ordered exactly as
 * {@code dpkg --compare-versions} orders it (lib/dpkg/version.c, {@code verrevcmp}).
 */
public record DebianVersion(int epoch, String upstream, String revision) implements Comparable<DebianVersion> {

    public DebianVersion {
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(revision, "revision");
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must not be negative: " + epoch);
        }
        if (upstream.isEmpty()) {
            throw new IllegalArgumentException("upstream version must not be empty");
        }
        for (char c : (upstream + revision).toCharArray()) {
            if (!(Character.isLetterOrDigit(c) && c < 128) && ".+~-:".indexOf(c) < 0) {
                throw new IllegalArgumentException(
                        "invalid character '" + c + "' in version " + upstream + "-" + revision);
            }
        }
    }

    /** Parses {@code 1:2.36-9+deb12u4}; the revision is empty when there is no hyphen. */
    public static DebianVersion parse(String text) {
        String s = Objects.requireNonNull(text, "version").strip();
        int epoch = 0;
        int colon = s.indexOf(':');
        if (colon >= 0) {
            String e = s.substring(0, colon);
            if (e.isEmpty() || !e.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("epoch in version '" + text + "' is not a number");
            }
            epoch = Integer.parseInt(e);
            s = s.substring(colon + 1);
        }
        int hyphen = s.lastIndexOf('-');
        String upstream = hyphen >= 0 ? s.substring(0, hyphen) : s;
        String revision = hyphen >= 0 ? s.substring(hyphen + 1) : "";
        if (hyphen >= 0 && revision.isEmpty()) {
            throw new IllegalArgumentException("empty revision in version '" + text + "'");
        }
        return new DebianVersion(epoch, upstream, revision);
    }

    @Override
    public int compareTo(DebianVersion other) {
        if (epoch != other.epoch) {
            return Integer.compare(epoch, other.epoch);
        }
        int c = compareFragment(upstream, other.upstream);
        return c != 0 ? c : compareFragment(revision, other.revision);
    }

    /** dpkg's {@code order()}: '~' sorts before everything, even the end of the string. */
    private static int order(int c) {
        if (c >= '0' && c <= '9') {
            return 0;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            return c;
        } else if (c == '~') {
            return -1;
        } else if (c != 0) {
            return c + 256;
        }
        return 0;
    }

    private static boolean digit(int c) {
        return c >= '0' && c <= '9';
    }

    /** dpkg's {@code verrevcmp()}, with 0 standing for the C string terminator. */
    static int compareFragment(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() || j < b.length()) {
            int firstDiff = 0;
            while ((i < a.length() && !digit(a.charAt(i))) || (j < b.length() && !digit(b.charAt(j)))) {
                int ac = order(i < a.length() ? a.charAt(i) : 0);
                int bc = order(j < b.length() ? b.charAt(j) : 0);
                if (ac != bc) {
                    return Integer.signum(ac - bc);
                }
                i++;
                j++;
            }
            while (i < a.length() && a.charAt(i) == '0') {
                i++;
            }
            while (j < b.length() && b.charAt(j) == '0') {
                j++;
            }
            while (i < a.length() && digit(a.charAt(i)) && j < b.length() && digit(b.charAt(j))) {
                if (firstDiff == 0) {
                    firstDiff = a.charAt(i) - b.charAt(j);
                }
                i++;
                j++;
            }
            if (i < a.length() && digit(a.charAt(i))) {
                return 1;
            }
            if (j < b.length() && digit(b.charAt(j))) {
                return -1;
            }
            if (firstDiff != 0) {
                return Integer.signum(firstDiff);
            }
        }
        return 0;
    }

    @Override
    public String toString() {
        return (epoch > 0 ? epoch + ":" : "") + upstream + (revision.isEmpty() ? "" : "-" + revision);
    }
}
