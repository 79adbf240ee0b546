package dev.slipway.validation;

import dev.slipway.dsl.FleetSpec;
import dev.slipway.dsl.MachineProfile;
import dev.slipway.dsl.Rollout;
import dev.slipway.dsl.Service;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Every service runs on at least one machine of this fleet; the rollout's canary machine is one of them. */
final class PlacementRule implements Rule {

    @Override
    public void check(FleetSpec fleet, List<Problem> problems) {
        Set<String> known = fleet.machines().stream().map(MachineProfile::name).collect(Collectors.toSet());
        String expected = "expected one of: " + fleet.machines().stream().map(MachineProfile::name).sorted()
                .collect(Collectors.joining(", "));
        if (fleet.machines().isEmpty()) {
            problems.add(Problem.fleet(fleet.name(), "machines", "no machine declared; expected at least one"));
        }
        if (fleet.registry().isBlank() || !fleet.registry().contains("/")) {
            problems.add(Problem.fleet(fleet.name(), "registry",
                    "'" + fleet.registry() + "' is not a registry path; expected host[:port]/org"));
        }
        for (Service service : fleet.services()) {
            if (service.machines().isEmpty()) {
                problems.add(Problem.service(service.name(), "machines", "runs on no machine; " + expected));
            }
            Set<String> seen = new HashSet<>();
            for (MachineProfile machine : service.machines()) {
                if (!known.contains(machine.name())) {
                    problems.add(Problem.service(service.name(), "machines",
                            "'" + machine.name() + "' is not a machine of this fleet; " + expected));
                }
                if (!seen.add(machine.name())) {
                    problems.add(Problem.service(service.name(), "machines",
                            "'" + machine.name() + "' is listed more than once"));
                }
            }
        }
        fleet.rollout().ifPresent(rollout -> checkRollout(fleet, rollout, known, expected, problems));
    }

    private static void checkRollout(FleetSpec fleet, Rollout rollout, Set<String> known, String expected,
            List<Problem> problems) {
        if (!known.contains(rollout.canaryMachine())) {
            problems.add(Problem.fleet(fleet.name(), "rollout",
                    "canary machine '" + rollout.canaryMachine() + "' is not a machine of this fleet; " + expected));
        }
        if (rollout.batchSize() < 1) {
            problems.add(Problem.fleet(fleet.name(), "rollout",
                    "batch size " + rollout.batchSize() + " is not positive; expected 1 or more"));
        }
    }
}
