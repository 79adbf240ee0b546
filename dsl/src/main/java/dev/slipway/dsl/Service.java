package dev.slipway.dsl;

import dev.slipway.model.DataSize;
import dev.slipway.model.HealthCheck;
import dev.slipway.model.User;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One service of the fleet. A service cannot exist without a family and both ports:
 * {@code service("affective_processing_center").family(TORCH_CU121).ports(5560, 6560).on(MAINPC)}.
 * Values are kept as declared; {@code Fleet.compile} checks them all and reports every problem at once.
 */
public record Service(
        String name,
        Family family,
        int servicePort,
        int healthPort,
        List<MachineProfile> machines,
        Optional<String> app,
        List<String> command,
        Map<String, String> env,
        Optional<DataSize> gpuMemory,
        User user,
        Init init,
        HealthCheck healthCheck) {

    public Service {
        machines = List.copyOf(machines);
        command = List.copyOf(command);
        env = Collections.unmodifiableMap(new TreeMap<>(env));
    }

    /** First step: a named service needs a family. */
    public static final class Named {
        private final String name;

        Named(String name) {
            this.name = name;
        }

        public WithFamily family(Family family) {
            return new WithFamily(name, family);
        }
    }

    /** Second step: a service with a family needs its service port and its health port. */
    public static final class WithFamily {
        private final String name;
        private final Family family;

        WithFamily(String name, Family family) {
            this.name = name;
            this.family = family;
        }

        public Service ports(int servicePort, int healthPort) {
            return new Service(name, family, servicePort, healthPort, List.of(), Optional.empty(), List.of(), Map.of(),
                    Optional.empty(), User.APPUSER, Init.TINI, HealthCheck.SPEC_DEFAULT);
        }
    }

    /** Replaces both ports. */
    public Service ports(int newServicePort, int newHealthPort) {
        return new Service(name, family, newServicePort, newHealthPort, machines, app, command, env, gpuMemory, user,
                init, healthCheck);
    }

    public Service on(MachineProfile... targets) {
        List<MachineProfile> more = new ArrayList<>(machines);
        more.addAll(List.of(targets));
        return new Service(name, family, servicePort, healthPort, more, app, command, env, gpuMemory, user, init,
                healthCheck);
    }

    /** The directory (relative to the fleet's directory) that becomes the service's application layer. */
    public Service app(String directory) {
        return new Service(name, family, servicePort, healthPort, machines, Optional.of(directory), command, env,
                gpuMemory, user, init, healthCheck);
    }

    public Service command(String... argv) {
        return new Service(name, family, servicePort, healthPort, machines, app, List.of(argv), env, gpuMemory, user,
                init, healthCheck);
    }

    public Service env(String key, String value) {
        Map<String, String> more = new TreeMap<>(env);
        more.put(key, value);
        return new Service(name, family, servicePort, healthPort, machines, app, command, more, gpuMemory, user, init,
                healthCheck);
    }

    /** GPU memory the service reserves on each machine it runs on; checked against the machine's budget. */
    public Service gpuMemory(DataSize reserved) {
        return new Service(name, family, servicePort, healthPort, machines, app, command, env, Optional.of(reserved),
                user, init, healthCheck);
    }

    public Service runAs(User runAs) {
        return new Service(name, family, servicePort, healthPort, machines, app, command, env, gpuMemory, runAs, init,
                healthCheck);
    }

    public Service init(Init pid1) {
        return new Service(name, family, servicePort, healthPort, machines, app, command, env, gpuMemory, user, pid1,
                healthCheck);
    }

    public Service healthCheck(HealthCheck check) {
        return new Service(name, family, servicePort, healthPort, machines, app, command, env, gpuMemory, user, init,
                check);
    }

    public boolean runsOn(MachineProfile machine) {
        return machines.stream().anyMatch(m -> m.name().equals(machine.name()));
    }

    @Override
    public String toString() {
        return name;
    }
}
