package dev.slipway.runner;

import com.github.dockerjava.api.model.SwarmNode;
import dev.slipway.packages.layer.LayerCompression;
import dev.slipway.rollout.engine.DockerEngine;
import dev.slipway.rollout.swarm.SwarmManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Before anything is built or changed: with {@code --compression zstd}, every engine that is to pull the fleet's
 * images (each host, see {@link RolloutRun#checkHosts}, or each swarm node a service is placed on) runs a Docker
 * Engine that can pull zstd layers.
 */
final class ZstdEngineCheck {
    private ZstdEngineCheck() {
    }

    /** The last line of a refusal. */
    static final String REFUSED = "--compression zstd: nothing was built or changed.";

    /** One line per host that cannot pull zstd layers, naming it and its engine; none for gzip layers. */
    static List<String> hostProblems(LayerCompression compression, List<DockerEngine> engines) {
        List<String> problems = new ArrayList<>();
        if (compression == LayerCompression.GZIP) {
            return problems;
        }
        for (DockerEngine engine : engines) {
            String version = engine.info().path("ServerVersion").asText("");
            compression.refusalFor(version).ifPresent(why -> problems.add("host " + engine.machine() + " ("
                    + engine.host().engine() + ") " + why));
        }
        return problems;
    }

    /** The same for the swarm nodes of {@code machines}, as the manager reports their engines. */
    static void requireSwarm(LayerCompression compression, SwarmManager manager, Set<String> machines) {
        if (compression == LayerCompression.GZIP) {
            return;
        }
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, SwarmNode> node : manager.nodesByMachine().entrySet()) {
            if (!machines.contains(node.getKey())) {
                continue;
            }
            String version = Optional.ofNullable(node.getValue().getDescription())
                    .map(d -> d.getEngine() == null ? null : d.getEngine().getEngineVersion()).orElse("");
            String hostname = Optional.ofNullable(node.getValue().getDescription())
                    .map(d -> d.getHostname()).orElse(node.getValue().getId());
            compression.refusalFor(version).ifPresent(why -> problems.add("swarm node " + hostname + " (machine "
                    + node.getKey() + ") " + why));
        }
        refuse(problems);
    }

    private static void refuse(List<String> problems) {
        if (!problems.isEmpty()) {
            List<String> lines = new ArrayList<>(problems);
            lines.add(REFUSED);
            throw new UserError(lines);
        }
    }
}
