package dev.slipway.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.rollout.engine.DockerEngine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Before anything changes: every engine that is to run a GPU service can hand out NVIDIA GPUs, through the NVIDIA
 * container runtime ({@code docker info} Runtimes has {@code nvidia}) or CDI ({@code CDISpecDirs} configured).
 */
public final class GpuHostCheck {
    private GpuHostCheck() {
    }

    /** One line per host that cannot, naming the host and its GPU services; empty when all can. */
    public static List<String> problems(DesiredFleet desired, List<DockerEngine> engines) {
        Map<String, List<String>> gpuServices = new LinkedHashMap<>();
        for (DesiredInstance instance : desired.instances()) {
            if (instance.runtime().gpuDevices().isPresent()) {
                gpuServices.computeIfAbsent(instance.machine(), m -> new ArrayList<>()).add(instance.service());
            }
        }
        List<String> problems = new ArrayList<>();
        for (DockerEngine engine : engines) {
            List<String> services = gpuServices.get(engine.machine());
            if (services == null || canRunGpus(engine.info())) {
                continue;
            }
            problems.add("host " + engine.machine() + " (" + engine.host().engine() + ") has neither the NVIDIA "
                    + "container runtime nor CDI devices, but runs GPU service" + (services.size() == 1 ? " " : "s ")
                    + String.join(", ", services) + "; install nvidia-container-toolkit there (nvidia-ctk runtime "
                    + "configure --runtime=docker) or remove the GPU request");
        }
        return problems;
    }

    static boolean canRunGpus(JsonNode info) {
        if (info.path("Runtimes").has("nvidia")) {
            return true;
        }
        JsonNode cdi = info.path("CDISpecDirs");
        return cdi.isArray() && !cdi.isEmpty();
    }
}
