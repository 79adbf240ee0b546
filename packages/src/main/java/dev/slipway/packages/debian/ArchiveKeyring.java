package dev.slipway.packages.debian;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.bc.BcPGPObjectFactory;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;

/**
 * The OpenPGP public keys a Release must be signed by (Debian's {@code debian-archive-keyring.gpg}, or a keyring
 * the user names), read with Bouncy Castle: binary ({@code gpg --export}) or ASCII-armoured, several keys per file.
 */
public final class ArchiveKeyring {

    private final Path file;
    private final List<PGPPublicKeyRing> rings;

    private ArchiveKeyring(Path file, List<PGPPublicKeyRing> rings) {
        this.file = file;
        this.rings = List.copyOf(rings);
    }

    public static ArchiveKeyring read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such keyring (Debian's comes with the package "
                    + "debian-archive-keyring)");
        }
        List<PGPPublicKeyRing> rings = new ArrayList<>();
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(bytes))) {
            BcPGPObjectFactory objects = new BcPGPObjectFactory(in);
            Object next;
            while ((next = objects.nextObject()) != null) {
                if (next instanceof PGPPublicKeyRing ring) {
                    rings.add(ring);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IOException("keyring " + file + " is not an OpenPGP public keyring: " + e.getMessage(), e);
        }
        if (rings.isEmpty()) {
            throw new IOException("keyring " + file + " holds no OpenPGP public key (a gpg keybox .kbx is not read: "
                    + "export the keys with gpg --export)");
        }
        return new ArchiveKeyring(file, rings);
    }

    public Path file() {
        return file;
    }

    /** Primary-key fingerprints of every key in the keyring, upper-case hex. */
    public List<String> fingerprints() {
        return rings.stream().map(r -> fingerprint(r.getPublicKey())).sorted().toList();
    }

    /** Why signatures did not vouch for signed content. */
    static final class Rejected extends Exception {
        Rejected(String message) {
            super(message);
        }
    }

    /**
     * The primary-key fingerprints of every keyring key that made a good signature over {@code signed} and was
     * neither revoked nor expired at {@code now}; at least one, or {@link Rejected} saying why not.
     *
     * @param signed for text signatures (cleartext InRelease), the text with trailing blanks already stripped
     */
    List<String> verify(byte[] signed, byte[] signatures, Instant now) throws Rejected {
        List<PGPSignature> all = new ArrayList<>();
        try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(signatures))) {
            BcPGPObjectFactory objects = new BcPGPObjectFactory(in);
            Object next;
            while ((next = objects.nextObject()) != null) {
                if (next instanceof PGPSignatureList list) {
                    list.forEach(all::add);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new Rejected("the signature block cannot be read: " + e.getMessage());
        }
        if (all.isEmpty()) {
            throw new Rejected("the signature block holds no signature");
        }
        TreeSet<String> good = new TreeSet<>();
        List<String> failures = new ArrayList<>();
        for (PGPSignature signature : all) {
            String keyId = String.format(Locale.ROOT, "%016X", signature.getKeyID());
            PGPPublicKeyRing ring = ringOf(signature.getKeyID());
            if (ring == null) {
                failures.add("signature by key " + keyId + ", which is not in the keyring");
                continue;
            }
            PGPPublicKey key = ring.getPublicKey(signature.getKeyID());
            String owner = fingerprint(ring.getPublicKey());
            try {
                signature.init(new BcPGPContentVerifierBuilderProvider(), key);
                signature.update(signed);
                if (!signature.verify()) {
                    failures.add("BAD signature by key " + owner + " (the signed text was changed after signing)");
                    continue;
                }
            } catch (PGPException | RuntimeException e) {
                failures.add("signature by key " + owner + " cannot be checked: " + e.getMessage());
                continue;
            }
            String unusable = unusableAt(ring, key, now);
            if (unusable != null) {
                failures.add("good signature by key " + owner + ", but that key " + unusable);
                continue;
            }
            good.add(owner);
        }
        if (good.isEmpty()) {
            throw new Rejected("no valid signature by a key in keyring " + file + ": " + String.join("; ", failures));
        }
        return List.copyOf(good);
    }

    private PGPPublicKeyRing ringOf(long keyId) {
        for (PGPPublicKeyRing ring : rings) {
            if (ring.getPublicKey(keyId) != null) {
                return ring;
            }
        }
        return null;
    }

    /** Null if the key (and its primary key) could sign at {@code now}; else why not. */
    private static String unusableAt(PGPPublicKeyRing ring, PGPPublicKey key, Instant now) {
        for (PGPPublicKey k : key.isMasterKey() ? List.of(key) : List.of(ring.getPublicKey(), key)) {
            if (k.hasRevocation()) {
                return "is revoked";
            }
            long valid = k.getValidSeconds();
            if (valid > 0) {
                Instant expiry = k.getCreationTime().toInstant().plusSeconds(valid);
                if (now.isAfter(expiry)) {
                    return "expired at " + expiry;
                }
            }
        }
        return null;
    }

    static String fingerprint(PGPPublicKey key) {
        return HexFormat.of().withUpperCase().formatHex(key.getFingerprint());
    }

    @Override
    public String toString() {
        return "keyring " + file;
    }

    /** For messages, e.g. "keyring /usr/share/keyrings/debian-archive-keyring.gpg (9 keys)". */
    String describe() {
        return "keyring " + file + " (" + rings.size() + " keys)";
    }
}
