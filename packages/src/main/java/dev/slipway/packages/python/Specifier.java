package dev.slipway.packages.python;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PEP 440 version specifier set ({@code >=1.8.2,<2}, {@code ==2.2.*}, {@code ~=1.4}); empty accepts every
 * version. As pip does, a pre-release satisfies it only if a clause names a pre-release.
 */
public record Specifier(List<Clause> clauses) {

    private static final Pattern CLAUSE = Pattern.compile("\\s*(~=|===|==|!=|<=|>=|<|>)\\s*([^\\s,]+)\\s*");

    /** One {@code OP VERSION}. */
    public record Clause(String operator, String version) {
        @Override
        public String toString() {
            return operator + version;
        }
    }

    public static Specifier parse(String text) {
        List<Clause> clauses = new ArrayList<>();
        String trimmed = text.strip();
        if (trimmed.startsWith("(") && trimmed.endsWith(")")) {
            trimmed = trimmed.substring(1, trimmed.length() - 1);
        }
        if (!trimmed.isBlank()) {
            for (String part : trimmed.split(",")) {
                Matcher m = CLAUSE.matcher(part);
                if (!m.matches()) {
                    throw new IllegalArgumentException("'" + part.strip() + "' is not a version specifier");
                }
                clauses.add(new Clause(m.group(1), m.group(2)));
            }
        }
        return new Specifier(List.copyOf(clauses));
    }

    public boolean accepts(PythonVersion version) {
        boolean allowsPre = clauses.stream().anyMatch(c -> !c.version().endsWith(".*")
                && !c.operator().equals("===") && PythonVersion.parse(c.version()).isPreRelease());
        if (version.isPreRelease() && !allowsPre) {
            return false;
        }
        for (Clause c : clauses) {
            if (!accepts(c, version)) {
                return false;
            }
        }
        return true;
    }

    private static boolean accepts(Clause c, PythonVersion v) {
        if (c.operator().equals("===")) {
            return v.toString().equals(c.version());
        }
        if (c.version().endsWith(".*")) {
            PythonVersion prefix = PythonVersion.parse(c.version().substring(0, c.version().length() - 2));
            int n = prefix.release().size();
            boolean match = v.epoch() == prefix.epoch() && v.releasePrefix(n).equals(prefix.releasePrefix(n));
            return c.operator().equals("==") == match;
        }
        PythonVersion wanted = PythonVersion.parse(c.version());
        // a specifier without a local label ignores the candidate's (torch==2.2.2 accepts 2.2.2+cu121)
        PythonVersion candidate = wanted.local().isEmpty() ? v.withoutLocal() : v;
        int cmp = candidate.compareTo(wanted);
        return switch (c.operator()) {
            case "==" -> cmp == 0;
            case "!=" -> cmp != 0;
            case "<=" -> cmp <= 0;
            case ">=" -> cmp >= 0;
            case "<" -> cmp < 0;
            case ">" -> cmp > 0;
            case "~=" -> {
                int n = wanted.release().size();
                if (n < 2) {
                    throw new IllegalArgumentException("~=" + c.version() + " needs at least two release components");
                }
                yield cmp >= 0 && candidate.releasePrefix(n - 1).equals(wanted.releasePrefix(n - 1));
            }
            default -> throw new IllegalArgumentException("unknown operator " + c.operator());
        };
    }

    @Override
    public String toString() {
        return clauses.isEmpty() ? "any version" : String.join(",", clauses.stream().map(Clause::toString).toList());
    }
}
