package dev.slipway.rollout.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every configured machine's engine, connected and pinged before anything is touched. A machine of the fleet
 * without a host, a host that is no machine of the fleet, or an engine that does not answer: {@link HostProblems}
 * naming each.
 */
public final class ConnectedHosts implements AutoCloseable {
    private final List<DockerEngine> engines;

    private ConnectedHosts(List<DockerEngine> engines) {
        this.engines = List.copyOf(engines);
    }

    /**
     * @param required machines that run something and so need a host
     * @param fleetMachines every machine of the fleet; a host for any other name is a mistake
     */
    public static ConnectedHosts connect(Collection<HostEndpoint> hosts, Set<String> required,
            Set<String> fleetMachines) {
        List<String> problems = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (HostEndpoint host : hosts) {
            if (!seen.add(host.machine())) {
                problems.add("host " + host.machine() + " is configured twice");
            }
            if (!fleetMachines.contains(host.machine())) {
                problems.add("host " + host.machine() + " is not a machine of this fleet (machines: "
                        + String.join(", ", fleetMachines) + ")");
            }
        }
        for (String machine : required) {
            if (!seen.contains(machine)) {
                problems.add("machine " + machine + " has no host; add --host " + machine + "=unix:///run/docker.sock"
                        + " (or a line in --hosts-file)");
            }
        }
        if (!problems.isEmpty()) {
            throw new HostProblems(problems);
        }
        List<DockerEngine> engines = new ArrayList<>();
        for (HostEndpoint host : hosts) {
            try {
                engines.add(DockerEngine.connect(host));
            } catch (EngineException e) {
                problems.add("host " + host.machine() + " (" + host.engine() + ") is unreachable: "
                        + EngineException.describe(e.getCause() == null ? e : e.getCause()));
            }
        }
        if (!problems.isEmpty()) {
            engines.forEach(DockerEngine::close);
            throw new HostProblems(problems);
        }
        return new ConnectedHosts(engines);
    }

    public List<DockerEngine> engines() {
        return engines;
    }

    @Override
    public void close() {
        engines.forEach(DockerEngine::close);
    }

    /** Every problem with the configured hosts, one line each. */
    public static final class HostProblems extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final List<String> problems;

        HostProblems(List<String> problems) {
            super(String.join("\n", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }
}
