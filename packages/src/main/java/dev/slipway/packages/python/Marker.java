package dev.slipway.packages.python;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A PEP 508 environment marker ({@code python_version >= "3.8" and sys_platform == "linux"}), evaluated for one
 * target environment. Comparisons of version variables follow PEP 440; the rest compare strings.
 */
public final class Marker {
    private static final Set<String> VERSION_VARIABLES = Set.of("python_version", "python_full_version",
            "implementation_version");
    private static final List<String> OPERATORS = List.of("not in", "===", "==", "!=", "<=", ">=", "~=", "<", ">",
            "in");

    private final List<String> tokens;
    private final Map<String, String> environment;
    private int next;

    private Marker(List<String> tokens, Map<String, String> environment) {
        this.tokens = tokens;
        this.environment = environment;
    }

    /** The environment of CPython {@code pythonVersion} (3.11) on Linux {@code machine}, with no extra requested. */
    public static Map<String, String> linux(String pythonVersion, String machine) {
        return Map.of("python_version", pythonVersion, "python_full_version", pythonVersion + ".0",
                "implementation_version", pythonVersion + ".0", "os_name", "posix", "sys_platform", "linux",
                "platform_system", "Linux", "platform_machine", machine, "platform_python_implementation", "CPython",
                "implementation_name", "cpython", "extra", "");
    }

    public static boolean evaluate(String marker, Map<String, String> environment) {
        Marker m = new Marker(tokenize(marker), environment);
        boolean value = m.or();
        if (m.next != m.tokens.size()) {
            throw new IllegalArgumentException(
                    "cannot parse marker '" + marker + "' at '" + m.tokens.get(m.next) + "'");
        }
        return value;
    }

    private boolean or() {
        boolean value = and();
        while (peek("or")) {
            next++;
            value = and() | value;
        }
        return value;
    }

    private boolean and() {
        boolean value = atom();
        while (peek("and")) {
            next++;
            value = atom() & value;
        }
        return value;
    }

    private boolean atom() {
        if (peek("(")) {
            next++;
            boolean value = or();
            expect(")");
            return value;
        }
        String left = take();
        String operator = take();
        if (operator.equals("not")) {
            expect("in");
            operator = "not in";
        }
        String right = take();
        return compare(left, operator, right);
    }

    private boolean compare(String leftToken, String operator, String rightToken) {
        boolean versions = VERSION_VARIABLES.contains(leftToken) || VERSION_VARIABLES.contains(rightToken);
        String left = value(leftToken);
        String right = value(rightToken);
        if (operator.equals("in")) {
            return right.contains(left);
        }
        if (operator.equals("not in")) {
            return !right.contains(left);
        }
        if (leftToken.equals("extra") || rightToken.equals("extra")) {
            // extras compare normalised; no extra is requested when locking, so extra == "x" is false
            left = WheelRequirement.normaliseLoose(left);
            right = WheelRequirement.normaliseLoose(right);
        }
        if (versions && !operator.equals("===")) {
            try {
                return Specifier.parse(operator + right).accepts(PythonVersion.parse(left))
                        || (operator.equals("==") && left.equals(right));
            } catch (IllegalArgumentException notAVersion) {
                // PEP 508: fall back to string comparison
            }
        }
        return switch (operator) {
            case "==", "===" -> left.equals(right);
            case "!=" -> !left.equals(right);
            case "<" -> left.compareTo(right) < 0;
            case "<=" -> left.compareTo(right) <= 0;
            case ">" -> left.compareTo(right) > 0;
            case ">=" -> left.compareTo(right) >= 0;
            default -> throw new IllegalArgumentException("operator " + operator + " needs versions");
        };
    }

    private String value(String token) {
        if (token.startsWith("'") || token.startsWith("\"")) {
            return token.substring(1, token.length() - 1);
        }
        String value = environment.get(token);
        if (value == null) {
            throw new IllegalArgumentException("unknown marker variable '" + token + "'");
        }
        return value;
    }

    private boolean peek(String token) {
        return next < tokens.size() && tokens.get(next).equals(token);
    }

    private void expect(String token) {
        if (!peek(token)) {
            throw new IllegalArgumentException("expected '" + token + "' in marker");
        }
        next++;
    }

    private String take() {
        if (next >= tokens.size()) {
            throw new IllegalArgumentException("marker ends too early");
        }
        return tokens.get(next++);
    }

    private static List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '(' || c == ')') {
                out.add(String.valueOf(c));
                i++;
            } else if (c == '\'' || c == '"') {
                int end = text.indexOf(c, i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated string in marker '" + text + "'");
                }
                out.add(text.substring(i, end + 1));
                i = end + 1;
            } else {
                String operator = null;
                for (String op : OPERATORS) {
                    if (!Character.isLetter(op.charAt(0)) && text.startsWith(op, i)) {
                        operator = op;
                        break;
                    }
                }
                if (operator != null) {
                    out.add(operator);
                    i += operator.length();
                } else {
                    int end = i;
                    while (end < text.length()
                            && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_'
                                    || text.charAt(end) == '.')) {
                        end++;
                    }
                    if (end == i) {
                        throw new IllegalArgumentException("unexpected '" + c + "' in marker '" + text + "'");
                    }
                    out.add(text.substring(i, end));
                    i = end;
                }
            }
        }
        return out;
    }
}
