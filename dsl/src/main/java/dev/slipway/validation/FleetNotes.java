package dev.slipway.validation;

import dev.slipway.dsl.Service;
import java.util.ArrayList;
import java.util.List;

/**
 * What is allowed but probably not meant, said by {@code validate} after its summary: a service whose family needs
 * CUDA but that asks for no GPU (it would start without one), or a GPU request on a family without CUDA.
 */
public final class FleetNotes {
    private FleetNotes() {
    }

    public static List<String> of(Fleet fleet) {
        List<String> notes = new ArrayList<>();
        for (Service service : fleet.services()) {
            boolean asksForGpus = service.effectiveRuntime().gpus().isPresent();
            if (service.family().needsCuda() && !asksForGpus) {
                notes.add("service '" + service.name() + "' gpus: family " + service.family().name() + " needs CUDA "
                        + "but the service asks for no GPU, so its container gets none; add .gpus() to the service "
                        + "or its family");
            } else if (!service.family().needsCuda() && asksForGpus) {
                notes.add("service '" + service.name() + "' gpus: asks for GPUs but family " + service.family().name()
                        + " declares no CUDA architectures (.cuda(...))");
            }
        }
        return notes;
    }
}
