package dev.slipway.images;

import java.util.regex.Pattern;

/** What the tests read in a real registry's access log ({@code LocalRegistry#log}). */
final class RegistryLog {
    /** Any request of the registry API. */
    static final Pattern REQUEST = Pattern.compile("\"(GET|HEAD|POST|PUT|PATCH|DELETE) /v2/");

    private RegistryLog() {
    }

    /** How many times {@code pattern} occurs in {@code log}. */
    static int count(Pattern pattern, String log) {
        return (int) pattern.matcher(log).results().count();
    }
}
