package dev.slipway.validation;

import dev.slipway.dsl.FleetSpec;
import dev.slipway.dsl.MachineProfile;
import dev.slipway.dsl.Service;
import dev.slipway.model.Port;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one place ports are checked: each port is unprivileged, a service's two ports differ, and on every machine
 * no port is bound twice (a service on two machines holds its ports on both).
 */
public final class PortRule implements Rule {

    /** This rule alone, for assertions in tests: the problems it finds, sorted. */
    public static List<Problem> problems(FleetSpec fleet) {
        List<Problem> problems = new java.util.ArrayList<>();
        new PortRule().check(fleet, problems);
        java.util.Collections.sort(problems);
        return problems;
    }

    @Override
    public void check(FleetSpec fleet, List<Problem> problems) {
        Map<String, Map<Integer, String>> ownerByPortByMachine = new HashMap<>();
        for (Service service : fleet.services()) {
            checkRange(service, "service port", service.servicePort(), problems);
            checkRange(service, "health port", service.healthPort(), problems);
            if (service.servicePort() == service.healthPort()) {
                problems.add(Problem.service(service.name(), "ports", "service port and health port are both "
                        + service.servicePort() + "; expected two different ports"));
            }
            Set<Integer> ports = new LinkedHashSet<>(List.of(service.servicePort(), service.healthPort()));
            for (MachineProfile machine : new LinkedHashSet<>(service.machines())) {
                Map<Integer, String> owners = ownerByPortByMachine.computeIfAbsent(machine.name(),
                        m -> new HashMap<>());
                for (int port : ports) {
                    String owner = owners.putIfAbsent(port, service.name());
                    if (owner != null && !owner.equals(service.name())) {
                        problems.add(Problem.service(service.name(), "ports",
                                port + " is already used on " + machine.name() + " by '" + owner + "'"));
                    }
                }
            }
        }
    }

    private static void checkRange(Service service, String which, int port, List<Problem> problems) {
        if (!Port.isValid(port)) {
            problems.add(Problem.service(service.name(), "ports", which + " " + port + " is outside "
                    + Port.LOWEST + "-" + Port.HIGHEST + "; expected an unprivileged port"));
        }
    }
}
