package dev.slipway.render.kubernetes;

import dev.slipway.plan.InstanceId;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Kubernetes names from Slipway names: lower case, {@code _} as {@code -} (a DNS-1123 label, at most 63 characters).
 * The one place such a name is made; {@link #problem} says when one cannot be.
 */
final class KubernetesNames {
    static final int MAX_LABEL = 63;
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");

    private KubernetesNames() {
    }

    static String service(String service) {
        return service.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A Deployment's name: {@code <service>-<machine>}. */
    static String instance(InstanceId id) {
        return service(id.service()) + "-" + service(id.machine());
    }

    /** A named volume's claim on one machine: {@code <volume>-<machine>}, as each Docker host has its own volume. */
    static String claim(String volume, String machine) {
        return service(volume) + "-" + service(machine);
    }

    /** The one Secret of a fleet, holding a key per deploy-time secret: {@code <fleet>-secrets}. */
    static String secret(String fleet) {
        return service(fleet) + "-secrets";
    }

    /** Why {@code name} (made from {@code what}) is no Kubernetes name, or null when it is one. */
    static String problem(String what, String name) {
        if (name.length() > MAX_LABEL) {
            return what + " becomes '" + name + "', " + name.length() + " characters; Kubernetes allows at most "
                    + MAX_LABEL;
        }
        if (!DNS_LABEL.matcher(name).matches()) {
            return what + " becomes '" + name + "'; expected a DNS-1123 label (a-z, 0-9, '-', starting with a "
                    + "letter and not ending with '-')";
        }
        return null;
    }
}
