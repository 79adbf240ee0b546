package dev.slipway.validation;

import dev.slipway.dsl.FleetSpec;
import dev.slipway.dsl.MachineProfile;
import dev.slipway.dsl.Service;
import java.util.List;

/** A service whose family needs CUDA runs only on machines whose GPU architecture the family supports. */
final class CudaRule implements Rule {

    @Override
    public void check(FleetSpec fleet, List<Problem> problems) {
        for (Service service : fleet.services()) {
            if (!service.family().needsCuda()) {
                continue;
            }
            String supported = String.join(", ", service.family().cudaArchs());
            for (MachineProfile machine : service.machines()) {
                if (machine.cudaArch().isEmpty()) {
                    problems.add(Problem.service(service.name(), "machines", "family " + service.family().name()
                            + " needs CUDA (" + supported + ") but " + machine.name() + " has no GPU"));
                } else if (!service.family().cudaArchs().contains(machine.cudaArch().get())) {
                    problems.add(Problem.service(service.name(), "machines", "family " + service.family().name()
                            + " supports CUDA architectures " + supported + " but " + machine.name() + " has "
                            + machine.cudaArch().get()));
                }
            }
        }
    }
}
