package dev.slipway.packages.debian;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How the {@code Packages} index behind a lock was checked, as the lock's {@code index} line records it:
 * {@code index signed FINGERPRINT…} (the keys whose signatures on the Release verified), {@code index unsigned}
 * (a repository named unsigned on the command line), or nothing recorded (a v1 lock, written before Slipway
 * checked signatures).
 */
public record IndexProvenance(Kind kind, List<String> fingerprints) {

    public enum Kind {
        SIGNED, UNSIGNED, UNRECORDED
    }

    private static final Pattern FINGERPRINT = Pattern.compile("[0-9A-F]{32,64}");

    public static final IndexProvenance UNSIGNED = new IndexProvenance(Kind.UNSIGNED, List.of());
    public static final IndexProvenance UNRECORDED = new IndexProvenance(Kind.UNRECORDED, List.of());

    public IndexProvenance {
        fingerprints = fingerprints.stream().map(f -> f.toUpperCase(Locale.ROOT)).sorted().distinct().toList();
        if ((kind == Kind.SIGNED) == fingerprints.isEmpty()) {
            throw new IllegalArgumentException(
                    "a signed index names the keys that signed it, and only a signed one does");
        }
        for (String f : fingerprints) {
            if (!FINGERPRINT.matcher(f).matches()) {
                throw new IllegalArgumentException("invalid key fingerprint '" + f + "'");
            }
        }
    }

    public static IndexProvenance signed(List<String> fingerprints) {
        return new IndexProvenance(Kind.SIGNED, fingerprints);
    }

    public boolean isSigned() {
        return kind == Kind.SIGNED;
    }

    /** The lock line's value: {@code signed FPR…} or {@code unsigned}; none for {@link #UNRECORDED}. */
    String toLine() {
        return switch (kind) {
            case SIGNED -> "signed " + String.join(" ", fingerprints);
            case UNSIGNED -> "unsigned";
            case UNRECORDED -> throw new IllegalStateException("nothing to record");
        };
    }

    static IndexProvenance fromLine(String value) {
        String[] parts = value.strip().split("\\s+");
        return switch (parts[0]) {
            case "unsigned" -> {
                if (parts.length != 1) {
                    throw new IllegalArgumentException("'index unsigned' takes nothing after it");
                }
                yield UNSIGNED;
            }
            case "signed" -> {
                if (parts.length < 2) {
                    throw new IllegalArgumentException("'index signed' needs the fingerprints of the keys that signed");
                }
                yield signed(List.of(parts).subList(1, parts.length));
            }
            default -> throw new IllegalArgumentException("expected 'index signed FINGERPRINT...' or 'index unsigned'");
        };
    }
}
