package dev.slipway.validation;

import dev.slipway.dsl.Family;
import dev.slipway.dsl.FleetSpec;
import dev.slipway.dsl.Service;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Environment keys are valid names, and no value in the definition is a credential. Messages never print the value:
 * the definition is committed, and so are logs of its validation.
 */
final class EnvRule implements Rule {
    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /**
     * Token shapes of well-known issuers (GitHub, AWS, Slack, GitLab, Hugging Face, OpenAI-style {@code sk-}) and PEM
     * private keys.
     */
    private static final Pattern CREDENTIAL_VALUE = Pattern.compile(
            "gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|(AKIA|ASIA)[0-9A-Z]{16}"
                    + "|xox[baprs]-[A-Za-z0-9-]{10,}|glpat-[A-Za-z0-9_-]{20,}|-----BEGIN [A-Z ]*PRIVATE KEY-----"
                    + "|\\bhf_(?=[A-Za-z0-9]*[A-Z])(?=[A-Za-z0-9]*[a-z])[A-Za-z0-9]{30,}"
                    + "|\\bsk-(?=[A-Za-z0-9_-]*[0-9])(?=[A-Za-z0-9_-]*[A-Z])[A-Za-z0-9_-]{20,}");
    /** Where a value splits into the tokens that are checked for randomness. */
    private static final Pattern TOKEN_SEPARATORS = Pattern.compile("[\\s=:,;\"'@]+");
    /**
     * A key-like word: base62 or base64 characters. A word with '-', '_' or '.' reads as a slug, a model id or a
     * path ({@code org/Model-7B-Instruct-v0.3}) and is left to the issuer shapes above.
     */
    private static final Pattern TOKEN_CHARS = Pattern.compile("[A-Za-z0-9+/]+={0,2}");
    /** Random keys change character class (upper, lower, digit) at most adjacent pairs; CamelCase words do not. */
    private static final double RANDOM_MAX_SAME_CLASS_PAIRS = 0.65;
    /** Random keys this long are 4.5+ bits per character; words, model names and slugs stay well below 4.2. */
    private static final int RANDOM_MIN_LENGTH = 32;
    private static final double RANDOM_MIN_BITS_PER_CHAR = 4.2;
    /** Whole words of a key, so HF_TOKEN is refused while MAX_NEW_TOKENS (a model setting) is not. */
    private static final Set<String> SECRET_WORDS = Set.of("TOKEN", "PASSWORD", "PASSWD", "SECRET", "APIKEY");

    @Override
    public void check(FleetSpec fleet, List<Problem> problems) {
        for (Service service : fleet.services()) {
            check(service.env(), (field, message) -> problems.add(Problem.service(service.name(), field, message)));
        }
        for (Family family : Fleet.familiesParentsFirst(fleet)) {
            check(family.env(), (field, message) -> problems.add(Problem.family(family.name(), field, message)));
        }
    }

    private interface Report {
        void add(String field, String message);
    }

    private static void check(Map<String, String> env, Report report) {
        env.forEach((key, value) -> {
            if (!KEY.matcher(key).matches()) {
                report.add("env", "'" + key + "' is not a valid variable name; expected [A-Za-z_][A-Za-z0-9_]*");
            }
            if (isSecretKey(key)) {
                report.add("env", key + " is named like a credential; its value is refused (not shown). "
                        + "Credentials come from the deploy environment, never from the definition");
            } else if (CREDENTIAL_VALUE.matcher(value).find() || hasRandomToken(value)) {
                report.add("env", "the value of " + key + " looks like a credential; it is refused (not shown). "
                        + "Credentials come from the deploy environment, never from the definition");
            }
        });
    }

    /**
     * A generic secret under a neutral name: a word of {@value #RANDOM_MIN_LENGTH}+ base64 characters mixing upper
     * case, lower case and digits, with high Shannon entropy and frequent changes of character class. Hex (digests,
     * git revisions) and UUIDs are not mixed-case.
     */
    static boolean hasRandomToken(String value) {
        for (String token : TOKEN_SEPARATORS.split(value)) {
            if (token.length() >= RANDOM_MIN_LENGTH && TOKEN_CHARS.matcher(token).matches()
                    && token.chars().anyMatch(Character::isUpperCase) && token.chars().anyMatch(Character::isLowerCase)
                    && token.chars().anyMatch(Character::isDigit) && bitsPerChar(token) >= RANDOM_MIN_BITS_PER_CHAR
                    && sameClassPairs(token) < RANDOM_MAX_SAME_CLASS_PAIRS) {
                return true;
            }
        }
        return false;
    }

    private static double sameClassPairs(String token) {
        int same = 0;
        for (int i = 1; i < token.length(); i++) {
            same += characterClass(token.charAt(i)) == characterClass(token.charAt(i - 1)) ? 1 : 0;
        }
        return (double) same / (token.length() - 1);
    }

    private static int characterClass(char c) {
        return Character.isUpperCase(c) ? 0 : Character.isLowerCase(c) ? 1 : Character.isDigit(c) ? 2 : 3;
    }

    private static double bitsPerChar(String token) {
        Map<Integer, Long> counts = token.chars().boxed()
                .collect(java.util.stream.Collectors.groupingBy(c -> c, java.util.stream.Collectors.counting()));
        double bits = 0;
        for (long count : counts.values()) {
            double p = (double) count / token.length();
            bits -= p * Math.log(p) / Math.log(2);
        }
        return bits;
    }

    private static boolean isSecretKey(String key) {
        String upper = key.toUpperCase(java.util.Locale.ROOT).replace("API_KEY", "APIKEY");
        for (String word : upper.split("_")) {
            if (SECRET_WORDS.contains(word)) {
                return true;
            }
        }
        return false;
    }
}
