package dev.slipway.packages.debian;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An OpenPGP cleartext-signed message (RFC 4880 section 7), as Debian's {@code InRelease} is: the text, and the
 * bytes its signatures cover. Parsed strictly: nothing may stand before the header or after the signature, so no
 * unsigned text can ride along with a signed one.
 */
record ClearSigned(String text, byte[] signedBytes, byte[] signatureBlock) {

    private static final String BEGIN = "-----BEGIN PGP SIGNED MESSAGE-----";
    private static final String BEGIN_SIGNATURE = "-----BEGIN PGP SIGNATURE-----";
    private static final String END_SIGNATURE = "-----END PGP SIGNATURE-----";

    static ClearSigned parse(byte[] file) throws ArchiveKeyring.Rejected {
        String[] lines = new String(file, StandardCharsets.UTF_8).split("\n", -1);
        int i = 0;
        if (lines.length == 0 || !stripEol(lines[0]).equals(BEGIN)) {
            throw new ArchiveKeyring.Rejected("InRelease does not start with '" + BEGIN + "'");
        }
        i++;
        // armour headers (Hash: SHA512) up to the blank line
        while (i < lines.length && !stripEol(lines[i]).isEmpty()) {
            i++;
        }
        i++;
        List<String> text = new ArrayList<>();
        while (true) {
            if (i >= lines.length) {
                throw new ArchiveKeyring.Rejected("InRelease has no '" + BEGIN_SIGNATURE + "'");
            }
            String line = stripEol(lines[i]);
            if (line.equals(BEGIN_SIGNATURE)) {
                break;
            }
            if (line.startsWith("- ")) {
                line = line.substring(2);
            } else if (line.startsWith("-")) {
                throw new ArchiveKeyring.Rejected(
                        "InRelease line " + (i + 1) + " starts with '-' but is not dash-escaped");
            }
            text.add(line);
            i++;
        }
        StringBuilder block = new StringBuilder();
        int end = -1;
        for (int j = i; j < lines.length; j++) {
            block.append(stripEol(lines[j])).append('\n');
            if (stripEol(lines[j]).equals(END_SIGNATURE)) {
                end = j;
                break;
            }
        }
        if (end < 0) {
            throw new ArchiveKeyring.Rejected("InRelease has no '" + END_SIGNATURE + "'");
        }
        for (int j = end + 1; j < lines.length; j++) {
            if (!lines[j].isBlank()) {
                throw new ArchiveKeyring.Rejected("InRelease has text after its signature (line " + (j + 1) + ")");
            }
        }
        // RFC 4880 7.1: trailing blanks are not signed; the line end before the signature is not part of the text
        List<String> stripped = text.stream().map(ClearSigned::stripTrailingBlanks).toList();
        String signed = String.join("\r\n", stripped);
        return new ClearSigned(String.join("\n", stripped) + "\n", signed.getBytes(StandardCharsets.UTF_8),
                block.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String stripEol(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    private static String stripTrailingBlanks(String line) {
        int end = line.length();
        while (end > 0
                && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t' || line.charAt(end - 1) == '\r')) {
            end--;
        }
        return line.substring(0, end);
    }
}
