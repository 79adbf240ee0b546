package dev.slipway.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The base64 body of a PEM file's private key block ({@code EC PRIVATE KEY} or {@code PRIVATE KEY}), line by line:
 * what a test looks for in output to show a private key never leaked. Not the file's first body line: {@code openssl
 * ecparam -genkey} writes an {@code EC PARAMETERS} block (the curve's public OID) before the key.
 */
public final class PrivateKeyLines {
    private PrivateKeyLines() {
    }

    public static List<String> of(Path pemFile) {
        try {
            return of(Files.readString(pemFile));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pemFile, e);
        }
    }

    /** The header of a SEC 1 ({@code EC PRIVATE KEY}) or PKCS #8 ({@code PRIVATE KEY}) block. */
    private static final java.util.regex.Pattern PRIVATE_KEY_HEADER = java.util.regex.Pattern
            .compile("-----BEGIN (EC )?PRIVATE KEY-----");

    /** @throws IllegalArgumentException when the text holds no such block, so a check cannot pass on nothing */
    public static List<String> of(String pem) {
        List<String> lines = new ArrayList<>();
        boolean inside = false;
        for (String line : pem.lines().map(String::strip).toList()) {
            if (PRIVATE_KEY_HEADER.matcher(line).matches()) {
                inside = true;
            } else if (inside && line.startsWith("-----END ")) {
                break;
            } else if (inside && !line.isEmpty()) {
                lines.add(line);
            }
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("no EC PRIVATE KEY or PRIVATE KEY block with a body");
        }
        return List.copyOf(lines);
    }

    /** The first line of {@code pemFile}'s private key body that {@code text} contains, if any. */
    public static Optional<String> shownIn(String text, Path pemFile) {
        return of(pemFile).stream().filter(text::contains).findFirst();
    }
}
