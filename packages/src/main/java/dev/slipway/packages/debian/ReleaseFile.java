package dev.slipway.packages.debian;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The fields of a (verified) Debian {@code Release} file that Slipway relies on: suite and codename, Date,
 * Valid-Until, Acquire-By-Hash, and the SHA256 list of the index files below it (path relative to the Release).
 */
record ReleaseFile(Optional<String> suite, Optional<String> codename, Optional<Instant> date,
        Optional<Instant> validUntil, boolean acquireByHash, Map<String, Entry> sha256) {

    /** One line of the SHA256 section: {@code HASH SIZE PATH}. */
    record Entry(String sha256, long size, String path) {
    }

    static ReleaseFile parse(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        String last = null;
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (Character.isWhitespace(line.charAt(0))) {
                if (last == null) {
                    throw new IllegalArgumentException("continuation line before any field: '" + line.strip() + "'");
                }
                fields.merge(last, "\n" + line.strip(), String::concat);
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("malformed Release line '" + line + "'");
            }
            last = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            fields.put(last, line.substring(colon + 1).strip());
        }
        Map<String, Entry> sums = new LinkedHashMap<>();
        for (String line : fields.getOrDefault("sha256", "").split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.strip().split("\\s+");
            if (f.length != 3 || !f[0].matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException("malformed SHA256 line '" + line.strip() + "'");
            }
            sums.put(f[2], new Entry(f[0].toLowerCase(Locale.ROOT), Long.parseLong(f[1]), f[2]));
        }
        return new ReleaseFile(Optional.ofNullable(fields.get("suite")), Optional.ofNullable(fields.get("codename")),
                Optional.ofNullable(fields.get("date")).map(ReleaseFile::time),
                Optional.ofNullable(fields.get("valid-until")).map(ReleaseFile::time),
                "yes".equalsIgnoreCase(fields.get("acquire-by-hash")), Map.copyOf(sums));
    }

    /** Debian writes RFC 2822 dates with the zone as {@code UTC}: {@code Sat, 11 Jul 2026 10:16:37 UTC}. */
    static Instant time(String text) {
        String normal = text.strip().replaceAll(" UTC$", " GMT");
        try {
            return ZonedDateTime.parse(normal, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "unreadable date '" + text + "' (expected e.g. 'Sat, 11 Jul 2026 10:16:37 UTC')");
        }
    }

    boolean names(String suiteOrCodename) {
        return suite.filter(suiteOrCodename::equals).isPresent()
                || codename.filter(suiteOrCodename::equals).isPresent();
    }
}
