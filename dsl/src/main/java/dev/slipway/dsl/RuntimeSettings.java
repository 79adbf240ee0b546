package dev.slipway.dsl;

import dev.slipway.model.DataSize;
import dev.slipway.model.GpuRequest;
import dev.slipway.model.LogRotation;
import dev.slipway.model.Mount;
import dev.slipway.model.SecretUse;
import dev.slipway.model.Ulimit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a service's container runs, as declared on the service or as defaults on a family: GPUs, shared memory,
 * limits, ulimits, mounts, log rotation, deploy-time secrets and start order. Empty means Docker's own behaviour
 * (logs: {@link LogRotation#DEFAULT}). Kept as declared; the rules check the values.
 */
public record RuntimeSettings(
        Optional<GpuRequest> gpus,
        Optional<DataSize> shmSize,
        Optional<DataSize> memory,
        Optional<Double> cpus,
        List<Ulimit> ulimits,
        List<Mount> mounts,
        Optional<LogRotation> logs,
        List<SecretUse> secrets,
        List<String> dependsOn) {

    public static final RuntimeSettings NONE = new RuntimeSettings(Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), List.of(), List.of(), Optional.empty(), List.of(), List.of());

    public RuntimeSettings {
        ulimits = List.copyOf(ulimits);
        mounts = List.copyOf(mounts);
        secrets = List.copyOf(secrets);
        dependsOn = List.copyOf(dependsOn);
    }

    RuntimeSettings withGpus(GpuRequest request) {
        return new RuntimeSettings(Optional.of(request), shmSize, memory, cpus, ulimits, mounts, logs, secrets,
                dependsOn);
    }

    RuntimeSettings withShmSize(DataSize size) {
        return new RuntimeSettings(gpus, Optional.of(size), memory, cpus, ulimits, mounts, logs, secrets, dependsOn);
    }

    RuntimeSettings withMemory(DataSize limit) {
        return new RuntimeSettings(gpus, shmSize, Optional.of(limit), cpus, ulimits, mounts, logs, secrets, dependsOn);
    }

    RuntimeSettings withCpus(double limit) {
        return new RuntimeSettings(gpus, shmSize, memory, Optional.of(limit), ulimits, mounts, logs, secrets,
                dependsOn);
    }

    RuntimeSettings withUlimit(Ulimit limit) {
        return new RuntimeSettings(gpus, shmSize, memory, cpus, append(ulimits, limit), mounts, logs, secrets,
                dependsOn);
    }

    RuntimeSettings withMount(Mount mount) {
        return new RuntimeSettings(gpus, shmSize, memory, cpus, ulimits, append(mounts, mount), logs, secrets,
                dependsOn);
    }

    RuntimeSettings withLogs(LogRotation rotation) {
        return new RuntimeSettings(gpus, shmSize, memory, cpus, ulimits, mounts, Optional.of(rotation), secrets,
                dependsOn);
    }

    RuntimeSettings withSecret(SecretUse secret) {
        return new RuntimeSettings(gpus, shmSize, memory, cpus, ulimits, mounts, logs, append(secrets, secret),
                dependsOn);
    }

    RuntimeSettings withDependency(String service) {
        return new RuntimeSettings(gpus, shmSize, memory, cpus, ulimits, mounts, logs, secrets,
                append(dependsOn, service));
    }

    /**
     * These settings over {@code defaults} (a family's): a value set here wins, ulimits merge by name, mounts, secrets
     * and dependencies are the service's own.
     */
    public RuntimeSettings over(RuntimeSettings defaults) {
        Map<String, Ulimit> merged = new LinkedHashMap<>();
        defaults.ulimits.forEach(u -> merged.put(u.name(), u));
        ulimits.forEach(u -> merged.put(u.name(), u));
        return new RuntimeSettings(gpus.or(defaults::gpus), shmSize.or(defaults::shmSize),
                memory.or(defaults::memory), cpus.or(defaults::cpus), List.copyOf(merged.values()),
                concat(defaults.mounts, mounts), logs.or(defaults::logs), concat(defaults.secrets, secrets),
                concat(defaults.dependsOn, dependsOn));
    }

    private static <T> List<T> append(List<T> list, T item) {
        List<T> more = new ArrayList<>(list);
        more.add(item);
        return more;
    }

    private static <T> List<T> concat(List<T> first, List<T> second) {
        List<T> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
