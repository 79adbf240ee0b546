package dev.slipway.packages.python;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PEP 440 version ({@code 1!2.2.2rc1.post3.dev4+cu121}), ordered as PEP 440 orders them. The local label
 * ({@code +cu121}) is kept for display and exact matches; {@link Specifier}s without a local label ignore it.
 */
public record PythonVersion(int epoch, List<Integer> release, String preKind, int pre, int post, int dev,
        String local) implements Comparable<PythonVersion> {

    private static final Pattern PEP440 = Pattern.compile(
            "v?(?:([0-9]+)!)?([0-9]+(?:\\.[0-9]+)*)"
                    + "(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?([0-9]+)?)?"
                    + "(?:-([0-9]+)|[-_.]?(post|rev|r)[-_.]?([0-9]+)?)?"
                    + "(?:[-_.]?(dev)[-_.]?([0-9]+)?)?"
                    + "(?:\\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?");
    /** No pre-release: sorts after every pre-release of the same release. */
    private static final int NONE = -1;

    public static PythonVersion parse(String text) {
        Matcher m = PEP440.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a PEP 440 version");
        }
        List<Integer> release = new ArrayList<>();
        for (String part : m.group(2).split("\\.")) {
            release.add(Integer.parseInt(part));
        }
        String preKind = "";
        int pre = NONE;
        if (m.group(3) != null) {
            preKind = switch (m.group(3)) {
                case "alpha", "a" -> "a";
                case "beta", "b" -> "b";
                default -> "rc";
            };
            pre = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
        }
        int post = NONE;
        if (m.group(5) != null) {
            post = Integer.parseInt(m.group(5));
        } else if (m.group(6) != null) {
            post = m.group(7) == null ? 0 : Integer.parseInt(m.group(7));
        }
        int dev = m.group(8) == null ? NONE : (m.group(9) == null ? 0 : Integer.parseInt(m.group(9)));
        String local = m.group(10) == null ? "" : m.group(10).replaceAll("[-_]", ".");
        return new PythonVersion(m.group(1) == null ? 0 : Integer.parseInt(m.group(1)), List.copyOf(release), preKind,
                pre, post, dev, local);
    }

    public boolean isPreRelease() {
        return pre != NONE || dev != NONE;
    }

    public PythonVersion withoutLocal() {
        return new PythonVersion(epoch, release, preKind, pre, post, dev, "");
    }

    /** The release padded or cut to {@code n} components, for {@code ~=} and {@code ==1.2.*}. */
    List<Integer> releasePrefix(int n) {
        List<Integer> out = new ArrayList<>(release.subList(0, Math.min(n, release.size())));
        while (out.size() < n) {
            out.add(0);
        }
        return out;
    }

    @Override
    public int compareTo(PythonVersion o) {
        int c = Integer.compare(epoch, o.epoch);
        if (c != 0) {
            return c;
        }
        int n = Math.max(release.size(), o.release.size());
        c = compareLists(releasePrefix(n), o.releasePrefix(n));
        if (c != 0) {
            return c;
        }
        c = Long.compare(preKey(), o.preKey());
        if (c != 0) {
            return c;
        }
        c = Integer.compare(post, o.post);
        if (c != 0) {
            return c;
        }
        // a dev release sorts before the release it leads to
        c = Integer.compare(dev == NONE ? Integer.MAX_VALUE : dev, o.dev == NONE ? Integer.MAX_VALUE : o.dev);
        if (c != 0) {
            return c;
        }
        return local.compareTo(o.local);
    }

    /** 1.0.dev1 < 1.0a1 < 1.0b1 < 1.0rc1 < 1.0 */
    private long preKey() {
        if (pre == NONE) {
            return dev != NONE && post == NONE ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        int kind = switch (preKind) {
            case "a" -> 0;
            case "b" -> 1;
            default -> 2;
        };
        return (long) kind << 32 | pre;
    }

    private static int compareLists(List<Integer> a, List<Integer> b) {
        for (int i = 0; i < a.size(); i++) {
            int c = Integer.compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        if (epoch != 0) {
            s.append(epoch).append('!');
        }
        s.append(String.join(".", release.stream().map(String::valueOf).toList()));
        if (pre != NONE) {
            s.append(preKind).append(pre);
        }
        if (post != NONE) {
            s.append(".post").append(post);
        }
        if (dev != NONE) {
            s.append(".dev").append(dev);
        }
        if (!local.isEmpty()) {
            s.append('+').append(local);
        }
        return s.toString();
    }
}
