package dev.slipway.validation;

import dev.slipway.dsl.FleetSpec;
import dev.slipway.dsl.Init;
import dev.slipway.dsl.Service;
import dev.slipway.model.User;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * No service runs as root or without tini as PID 1, one UID has one user name across the fleet, and a name is one
 * Debian's adduser accepts (it names the home directory each service image gets, {@code /home/NAME}).
 */
final class RunAsRule implements Rule {
    private static final Pattern USER_NAME = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");

    @Override
    public void check(FleetSpec fleet, List<Problem> problems) {
        Map<Integer, Service> firstByUid = new HashMap<>();
        for (Service service : fleet.services()) {
            User user = service.user();
            if (user.isRoot()) {
                problems.add(Problem.service(service.name(), "user", "runs as root (" + user.numeric()
                        + "); expected a non-root user such as " + User.APPUSER));
            }
            if (!USER_NAME.matcher(user.name()).matches()) {
                problems.add(Problem.service(service.name(), "user", "'" + user.name()
                        + "' is not a user name; expected [a-z_][a-z0-9_-]*, at most 32 characters"));
            }
            if (service.init() != Init.TINI) {
                problems.add(Problem.service(service.name(), "init", "has no init as PID 1; expected tini"));
            }
            Service first = firstByUid.putIfAbsent(user.uid(), service);
            if (first != null && !first.user().name().equals(user.name())) {
                problems.add(Problem.service(service.name(), "user", "uid " + user.uid() + " is named '" + user.name()
                        + "' here but '" + first.user().name() + "' in '" + first.name()
                        + "'; expected one name per uid"));
            }
        }
    }
}
