package dev.slipway.validation;

import dev.slipway.dsl.Family;
import dev.slipway.dsl.FleetSpec;
import dev.slipway.dsl.MachineProfile;
import dev.slipway.dsl.Service;
import dev.slipway.model.GpuRequest;
import java.util.List;
import java.util.Optional;

/**
 * A service that asks for GPUs (itself or through its family) runs only on machines with a GPU, and the devices it
 * names are among each machine profile's {@code GPU_VISIBLE_DEVICES}.
 */
final class GpuRule implements Rule {

    /** The nearest family default, walking parents without building the lineage (this runs once per service). */
    private static Optional<GpuRequest> familyGpus(Family family) {
        for (Optional<Family> f = Optional.of(family); f.isPresent(); f = f.get().parent()) {
            if (f.get().runtimeDefaults().gpus().isPresent()) {
                return f.get().runtimeDefaults().gpus();
            }
        }
        return Optional.empty();
    }

    @Override
    public void check(FleetSpec fleet, List<Problem> problems) {
        for (Service service : fleet.services()) {
            Optional<GpuRequest> requested = service.runtime().gpus().or(() -> familyGpus(service.family()));
            if (requested.isEmpty()) {
                continue;
            }
            GpuRequest request = requested.get();
            for (MachineProfile machine : service.machines()) {
                if (!machine.hasGpu()) {
                    problems.add(Problem.service(service.name(), "gpus", "asks for GPUs (" + request + ") but "
                            + machine.name() + " has no GPU; expected a machine with a GPU or no GPU request"));
                    continue;
                }
                for (String id : request.deviceIds()) {
                    if (!machine.gpuDeviceIds().contains(id)) {
                        problems.add(Problem.service(service.name(), "gpus", "device '" + id + "' is not a GPU of "
                                + machine.name() + "; expected one of its GPU_VISIBLE_DEVICES ["
                                + String.join(",", machine.gpuDeviceIds()) + "]"));
                    }
                }
            }
        }
    }
}
