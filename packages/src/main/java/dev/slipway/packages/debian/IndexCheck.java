package dev.slipway.packages.debian;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How a {@link PackageIndex} must be checked before it is believed: against the OpenPGP signature of the
 * mirror's {@code InRelease} (or {@code Release} + {@code Release.gpg}) made by a key of a keyring, or not at all
 * for a repository the user named unsigned.
 */
public sealed interface IndexCheck {

    /** Debian's archive keyring, as the {@code debian-archive-keyring} package installs it. */
    Path DEBIAN_ARCHIVE_KEYRING = Path.of("/usr/share/keyrings/debian-archive-keyring.gpg");

    /** Signed by a key in {@code keyring} (a binary or ASCII-armoured OpenPGP public keyring file). */
    record SignedBy(Path keyring) implements IndexCheck {
        public SignedBy {
            Objects.requireNonNull(keyring, "keyring");
        }
    }

    /** No signature is looked for; the lock records {@code index unsigned}. */
    record Unsigned() implements IndexCheck {
    }

    static IndexCheck signedBy(Path keyring) {
        return new SignedBy(keyring);
    }

    static IndexCheck debianArchive() {
        return new SignedBy(DEBIAN_ARCHIVE_KEYRING);
    }

    static IndexCheck unsigned() {
        return new Unsigned();
    }
}
