package dev.slipway.dsl;

import dev.slipway.model.DataSize;
import dev.slipway.model.GpuRequest;
import dev.slipway.model.LogRotation;
import dev.slipway.model.Mount;
import dev.slipway.model.SecretUse;
import dev.slipway.model.Ulimit;
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
        HealthCheck healthCheck,
        RuntimeSettings runtime) {

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
                    Optional.empty(), User.APPUSER, Init.TINI, HealthCheck.SPEC_DEFAULT, RuntimeSettings.NONE);
        }
    }

    /** Replaces both ports. */
    public Service ports(int newServicePort, int newHealthPort) {
        return new Service(name, family, newServicePort, newHealthPort, machines, app, command, env, gpuMemory, user,
                init, healthCheck, runtime);
    }

    public Service on(MachineProfile... targets) {
        List<MachineProfile> more = new ArrayList<>(machines);
        more.addAll(List.of(targets));
        return new Service(name, family, servicePort, healthPort, more, app, command, env, gpuMemory, user, init,
                healthCheck, runtime);
    }

    /** The directory (relative to the fleet's directory) that becomes the service's application layer. */
    public Service app(String directory) {
        return new Service(name, family, servicePort, healthPort, machines, Optional.of(directory), command, env,
                gpuMemory, user, init, healthCheck, runtime);
    }

    public Service command(String... argv) {
        return new Service(name, family, servicePort, healthPort, machines, app, List.of(argv), env, gpuMemory, user,
                init, healthCheck, runtime);
    }

    public Service env(String key, String value) {
        Map<String, String> more = new TreeMap<>(env);
        more.put(key, value);
        return new Service(name, family, servicePort, healthPort, machines, app, command, more, gpuMemory, user, init,
                healthCheck, runtime);
    }

    /** GPU memory the service reserves on each machine it runs on; checked against the machine's budget. */
    public Service gpuMemory(DataSize reserved) {
        return new Service(name, family, servicePort, healthPort, machines, app, command, env, Optional.of(reserved),
                user, init, healthCheck, runtime);
    }

    public Service runAs(User runAs) {
        return new Service(name, family, servicePort, healthPort, machines, app, command, env, gpuMemory, runAs, init,
                healthCheck, runtime);
    }

    public Service init(Init pid1) {
        return new Service(name, family, servicePort, healthPort, machines, app, command, env, gpuMemory, user, pid1,
                healthCheck, runtime);
    }

    public Service healthCheck(HealthCheck check) {
        return new Service(name, family, servicePort, healthPort, machines, app, command, env, gpuMemory, user, init,
                check, runtime);
    }

    /** All GPUs of each machine the service runs on (their ids come from the machine profile). */
    public Service gpus() {
        return withRuntime(runtime.withGpus(GpuRequest.ALL));
    }

    /** Named GPUs, each one of the machine profile's {@code GPU_VISIBLE_DEVICES}. */
    public Service gpus(String... deviceIds) {
        return withRuntime(runtime.withGpus(GpuRequest.devices(deviceIds)));
    }

    /** The size of /dev/shm (Docker's default is 64 MiB; torch DataLoader workers and vLLM need more). */
    public Service shmSize(DataSize size) {
        return withRuntime(runtime.withShmSize(size));
    }

    /** The memory limit; the container is killed when it uses more. */
    public Service memory(DataSize limit) {
        return withRuntime(runtime.withMemory(limit));
    }

    /** The CPU limit in CPUs, e.g. 2.5. */
    public Service cpus(double limit) {
        return withRuntime(runtime.withCpus(limit));
    }

    public Service ulimit(String name, long soft, long hard) {
        return withRuntime(runtime.withUlimit(new Ulimit(name, soft, hard)));
    }

    /** A named volume mounted at an absolute container path; it survives cutovers. */
    public Service volume(String name, String containerPath) {
        return withRuntime(runtime.withMount(new Mount.Volume(name, containerPath)));
    }

    /** A host path mounted read-only at an absolute container path. */
    public Service readOnlyBind(String hostPath, String containerPath) {
        return withRuntime(runtime.withMount(new Mount.ReadOnlyBind(hostPath, containerPath)));
    }

    /** Log rotation instead of the family's or Slipway's default ({@link LogRotation#DEFAULT}). */
    public Service logs(DataSize maxSize, int maxFiles) {
        return withRuntime(runtime.withLogs(new LogRotation(maxSize, maxFiles)));
    }

    /** A deploy-time secret, delivered as the file /run/secrets/NAME readable by the image user. */
    public Service secret(String name) {
        return withRuntime(runtime.withSecret(new SecretUse(name, SecretUse.Delivery.FILE)));
    }

    /** A deploy-time secret delivered as the environment variable NAME (visible to docker inspect). */
    public Service secretAsEnv(String name) {
        return withRuntime(runtime.withSecret(new SecretUse(name, SecretUse.Delivery.ENV)));
    }

    /** Started only after each of {@code services} is healthy in the same rollout. */
    public Service dependsOn(Service... services) {
        RuntimeSettings more = runtime;
        for (Service service : services) {
            more = more.withDependency(service.name());
        }
        return withRuntime(more);
    }

    /** The settings the container runs with: the service's own over its family's defaults. */
    public RuntimeSettings effectiveRuntime() {
        return runtime.over(family.inheritedRuntime());
    }

    private Service withRuntime(RuntimeSettings settings) {
        return new Service(name, family, servicePort, healthPort, machines, app, command, env, gpuMemory, user, init,
                healthCheck, settings);
    }

    public boolean runsOn(MachineProfile machine) {
        return machines.stream().anyMatch(m -> m.name().equals(machine.name()));
    }

    @Override
    public String toString() {
        return name;
    }
}
