package dev.slipway.packages.debian;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One term of a relationship field: {@code python3:any (>= 3.11~)}. An empty {@code archQualifier}
 * means the package's own architecture (or {@code all}).
 */
public record Relation(String name, String archQualifier, Optional<Constraint> constraint) {

    /** A version operator as written in control files. */
    public enum Operator {
        LT("<<"), LE("<="), EQ("="), GE(">="), GT(">>");

        private final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }

        static Operator of(String s) {
            return switch (s) {
                case "<<" -> LT;
                case "<=", "<" -> LE; // '<' and '>' are deprecated spellings of '<=' and '>='
                case "=" -> EQ;
                case ">=", ">" -> GE;
                case ">>" -> GT;
                default -> throw new IllegalArgumentException("unknown version operator '" + s + "'");
            };
        }

        boolean holds(int comparison) {
            return switch (this) {
                case LT -> comparison < 0;
                case LE -> comparison <= 0;
                case EQ -> comparison == 0;
                case GE -> comparison >= 0;
                case GT -> comparison > 0;
            };
        }
    }

    /** {@code (op version)}. */
    public record Constraint(Operator operator, DebianVersion version) {
        public Constraint {
            Objects.requireNonNull(operator, "operator");
            Objects.requireNonNull(version, "version");
        }

        public boolean admits(DebianVersion candidate) {
            return operator.holds(candidate.compareTo(version));
        }

        @Override
        public String toString() {
            return "(" + operator.symbol() + " " + version + ")";
        }
    }

    private static final Pattern TERM = Pattern.compile(
            "([a-z0-9][a-z0-9+.\\-]*)(?::([a-z0-9\\-]+))?\\s*(?:\\(\\s*(<<|<=|>=|>>|=|<|>)\\s*([^)\\s]+)\\s*\\))?\\s*(?:\\[[^]]*])?\\s*(?:<[^>]*>\\s*)*");

    public Relation {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(archQualifier, "archQualifier");
        Objects.requireNonNull(constraint, "constraint");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("relation without a package name");
        }
    }

    /** Whether the given package (by its own name and version) satisfies this term. */
    boolean admits(String packageName, DebianVersion version) {
        return name.equals(packageName) && constraint.map(c -> c.admits(version)).orElse(true);
    }

    /** Parses one term, e.g. {@code libc6 (>= 2.34)}. */
    public static Relation parse(String text) {
        Matcher m = TERM.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("cannot parse relation '" + text.strip() + "'");
        }
        Optional<Constraint> constraint = m.group(3) == null
                ? Optional.empty()
                : Optional.of(new Constraint(Operator.of(m.group(3)), DebianVersion.parse(m.group(4))));
        return new Relation(m.group(1), m.group(2) == null ? "" : m.group(2), constraint);
    }

    /** Parses a whole field: comma-separated groups of {@code |}-separated alternatives. */
    public static List<List<Relation>> parseField(String field) {
        List<List<Relation>> groups = new ArrayList<>();
        if (field == null || field.isBlank()) {
            return List.of();
        }
        for (String group : field.split(",")) {
            if (group.isBlank()) {
                continue;
            }
            List<Relation> alternatives = new ArrayList<>();
            for (String alternative : group.split("\\|")) {
                alternatives.add(parse(alternative));
            }
            groups.add(List.copyOf(alternatives));
        }
        return List.copyOf(groups);
    }

    @Override
    public String toString() {
        return name + (archQualifier.isEmpty() ? "" : ":" + archQualifier)
                + constraint.map(c -> " " + c).orElse("");
    }
}
