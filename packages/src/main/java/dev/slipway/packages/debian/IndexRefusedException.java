package dev.slipway.packages.debian;

import java.io.IOException;
import java.net.URI;

/**
 * A mirror's index that cannot be believed: bad or missing signature, expired Release, a Packages file that does
 * not match the signed Release. The message names the mirror and what failed.
 */
public class IndexRefusedException extends IOException {

    private final URI mirror;

    public IndexRefusedException(DebianSource source, String what) {
        this(source.mirror(), "Debian mirror " + source.mirror() + " (" + source.describe() + "): " + what);
    }

    private IndexRefusedException(URI mirror, String message) {
        super(message);
        this.mirror = mirror;
    }

    public URI mirror() {
        return mirror;
    }

    /** The repository has an index but nothing signs it; reading it needs the user to name it unsigned. */
    public static final class Unsigned extends IndexRefusedException {
        public Unsigned(DebianSource source, String what) {
            super(source, what);
        }

        private Unsigned(URI mirror, String message) {
            super(mirror, message);
        }

        /** The same refusal, with what the user can do about it (the caller knows how a mirror is named unsigned). */
        public Unsigned withAdvice(String advice) {
            return new Unsigned(mirror(), getMessage() + "; " + advice);
        }
    }
}
