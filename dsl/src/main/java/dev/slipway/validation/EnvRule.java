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
    /** Token shapes of well-known issuers (GitHub, AWS, Slack, GitLab) and PEM private keys. */
    private static final Pattern CREDENTIAL_VALUE = Pattern.compile(
            "gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|(AKIA|ASIA)[0-9A-Z]{16}"
                    + "|xox[baprs]-[A-Za-z0-9-]{10,}|glpat-[A-Za-z0-9_-]{20,}|-----BEGIN [A-Z ]*PRIVATE KEY-----");
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
            } else if (CREDENTIAL_VALUE.matcher(value).find()) {
                report.add("env", "the value of " + key + " looks like a credential; it is refused (not shown). "
                        + "Credentials come from the deploy environment, never from the definition");
            }
        });
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
