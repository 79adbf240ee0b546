package dev.slipway.validation;

import dev.slipway.dsl.Family;
import dev.slipway.dsl.FleetSpec;
import dev.slipway.dsl.MachineProfile;
import dev.slipway.dsl.Service;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Names are lowercase {@code [a-z0-9_-]} (they become image paths and container names) and unique per kind. */
final class NameRule implements Rule {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final String EXPECTED = "expected lowercase letters, digits, '_' or '-', starting with a letter or digit";

    @Override
    public void check(FleetSpec fleet, List<Problem> problems) {
        if (!NAME.matcher(fleet.name()).matches()) {
            problems.add(
                    Problem.fleet(fleet.name(), "name", "'" + fleet.name() + "' is not a valid name; " + EXPECTED));
        }
        Set<String> seenServices = new HashSet<>();
        for (Service service : fleet.services()) {
            checkName("service", service.name(), problems);
            if (!seenServices.add(service.name())) {
                problems.add(Problem.service(service.name(), "name", "declared more than once; names must be unique"));
            }
        }
        Set<String> seenMachines = new HashSet<>();
        for (MachineProfile machine : fleet.machines()) {
            checkName("machine", machine.name(), problems);
            if (!seenMachines.add(machine.name())) {
                problems.add(Problem.machine(machine.name(), "name", "declared more than once; names must be unique"));
            }
        }
        Map<String, Family> families = new HashMap<>();
        for (Family family : allFamilies(fleet)) {
            Family earlier = families.putIfAbsent(family.name(), family);
            if (earlier == null) {
                checkName("family", family.name(), problems);
            } else if (!earlier.equals(family)) {
                problems.add(Problem.family(family.name(), "name",
                        "two different families have this name; names must be unique"));
            }
        }
    }

    private static List<Family> allFamilies(FleetSpec fleet) {
        Set<Family> all = new java.util.LinkedHashSet<>();
        fleet.families().forEach(f -> all.addAll(f.lineage()));
        fleet.services().forEach(s -> all.addAll(s.family().lineage()));
        return List.copyOf(all);
    }

    private static void checkName(String kind, String name, List<Problem> problems) {
        if (!NAME.matcher(name).matches()) {
            problems.add(new Problem(kind, name, "name", "'" + name + "' is not a valid name; " + EXPECTED));
        }
    }
}
