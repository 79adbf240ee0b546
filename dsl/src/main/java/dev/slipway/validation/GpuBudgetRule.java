package dev.slipway.validation;

import dev.slipway.dsl.FleetSpec;
import dev.slipway.dsl.MachineProfile;
import dev.slipway.dsl.Service;
import dev.slipway.model.DataSize;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Per machine, the GPU memory its services reserve fits the GPU's memory times MODEL_EVICT_THRESHOLD_PCT. */
final class GpuBudgetRule implements Rule {

    @Override
    public void check(FleetSpec fleet, List<Problem> problems) {
        // One pass over services, so cost grows with the fleet, not with machines x services.
        Map<String, List<Service>> reservingByMachine = new HashMap<>();
        for (Service service : fleet.services()) {
            if (service.gpuMemory().isPresent()) {
                for (MachineProfile machine : service.machines()) {
                    reservingByMachine.computeIfAbsent(machine.name(), m -> new ArrayList<>()).add(service);
                }
            }
        }
        for (MachineProfile machine : fleet.machines()) {
            List<Service> reserving = reservingByMachine.getOrDefault(machine.name(), List.of());
            if (reserving.isEmpty()) {
                continue;
            }
            DataSize total = reserving.stream().map(s -> s.gpuMemory().get()).reduce(new DataSize(0), DataSize::plus);
            if (total.compareTo(machine.gpuBudget()) > 0) {
                String who = reserving.stream().map(s -> s.name() + " " + s.gpuMemory().get())
                        .collect(Collectors.joining(", "));
                problems.add(Problem.machine(machine.name(), "gpu memory", "services reserve " + total
                        + " but the budget is " + machine.gpuBudget() + " (" + machine.gpuMemory() + " x "
                        + machine.modelEvictThresholdPct() + "%): " + who));
            }
        }
    }
}
