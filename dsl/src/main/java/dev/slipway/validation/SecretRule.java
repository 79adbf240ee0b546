package dev.slipway.validation;

import dev.slipway.dsl.FleetSpec;
import dev.slipway.dsl.Service;
import dev.slipway.model.SecretUse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** A service's secrets have names usable as file and variable names, once each, and clash with none of its env. */
final class SecretRule implements Rule {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    @Override
    public void check(FleetSpec fleet, List<Problem> problems) {
        for (Service service : fleet.services()) {
            if (service.runtime().equals(dev.slipway.dsl.RuntimeSettings.NONE)) {
                continue;
            }
            Set<String> seen = new HashSet<>();
            for (SecretUse secret : service.runtime().secrets()) {
                if (!NAME.matcher(secret.name()).matches()) {
                    problems.add(Problem.service(service.name(), "secrets", "'" + secret.name()
                            + "' is not a secret name; expected [A-Za-z_][A-Za-z0-9_]*"));
                }
                if (!seen.add(secret.name())) {
                    problems.add(Problem.service(service.name(), "secrets", secret.name()
                            + " is declared twice; expected once"));
                } else if (service.env().containsKey(secret.name()) || service.family().inheritedEnv()
                        .containsKey(secret.name())) {
                    problems.add(Problem.service(service.name(), "secrets", secret.name() + " is also set in env; "
                            + "expected it only as a secret, its value from the deploy environment"));
                }
            }
        }
    }
}
