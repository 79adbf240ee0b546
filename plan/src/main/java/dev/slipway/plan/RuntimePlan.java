package dev.slipway.plan;

import dev.slipway.dsl.MachineProfile;
import dev.slipway.dsl.RuntimeSettings;
import dev.slipway.dsl.Service;
import dev.slipway.model.DataSize;
import dev.slipway.model.LogRotation;
import dev.slipway.model.Mount;
import dev.slipway.model.SecretUse;
import dev.slipway.model.Ulimit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How one instance's container runs besides its image, resolved for its machine: the GPU devices (from the machine
 * profile; empty list means every GPU, Docker's count -1), /dev/shm, memory and CPU limits, ulimits, mounts, log
 * rotation, the secrets it receives (names only, never values) and the services it starts after.
 */
public record RuntimePlan(Optional<List<String>> gpuDevices, Optional<DataSize> shmSize, Optional<DataSize> memory,
        Optional<Double> cpus, List<Ulimit> ulimits, List<Mount> mounts, LogRotation logs, List<SecretUse> secrets,
        List<String> dependsOn) {

    public static final RuntimePlan DEFAULT = new RuntimePlan(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), List.of(), List.of(), LogRotation.DEFAULT, List.of(), List.of());

    public RuntimePlan {
        gpuDevices = gpuDevices.map(List::copyOf);
        ulimits = List.copyOf(ulimits);
        mounts = List.copyOf(mounts);
        secrets = List.copyOf(secrets);
        dependsOn = List.copyOf(dependsOn);
    }

    /** The service's settings (over its family's defaults) on {@code machine}. */
    public static RuntimePlan of(Service service, MachineProfile machine) {
        if (service.runtime().equals(RuntimeSettings.NONE) && noFamilyDefaults(service)) {
            return DEFAULT; // most services: no allocation per instance
        }
        RuntimeSettings settings = service.effectiveRuntime();
        Optional<List<String>> gpus = settings.gpus()
                .map(request -> request.all() ? machine.gpuDeviceIds() : request.deviceIds());
        return new RuntimePlan(gpus, settings.shmSize(), settings.memory(), settings.cpus(), settings.ulimits(),
                settings.mounts(), settings.logs().orElse(LogRotation.DEFAULT), settings.secrets(),
                settings.dependsOn());
    }

    private static boolean noFamilyDefaults(Service service) {
        for (Optional<dev.slipway.dsl.Family> f = Optional.of(service.family()); f.isPresent(); f = f.get().parent()) {
            if (!f.get().runtimeDefaults().equals(RuntimeSettings.NONE)) {
                return false;
            }
        }
        return true;
    }

    public boolean isDefault() {
        return equals(DEFAULT);
    }

    /** CPUs as the Engine API's NanoCpus. */
    public Optional<Long> nanoCpus() {
        return cpus.map(c -> Math.round(c * 1_000_000_000d));
    }

    /**
     * The settings that differ from {@link #DEFAULT}, as stable text: what a container's settings hash covers, so an
     * instance with none of them keeps the hash (and its container) it had before these settings existed.
     */
    public String hashText() {
        List<String> parts = new ArrayList<>();
        gpuDevices.ifPresent(ids -> parts.add("gpus=" + (ids.isEmpty() ? "all" : String.join(",", ids))));
        shmSize.ifPresent(size -> parts.add("shm=" + size.bytes()));
        memory.ifPresent(limit -> parts.add("memory=" + limit.bytes()));
        nanoCpus().ifPresent(nanos -> parts.add("nanocpus=" + nanos));
        ulimits.forEach(u -> parts.add("ulimit=" + u));
        mounts.forEach(m -> parts.add("mount=" + m));
        if (!logs.equals(LogRotation.DEFAULT)) {
            parts.add("logs=" + logs.maxSize().bytes() + "x" + logs.maxFiles());
        }
        secrets.forEach(s -> parts.add("secret=" + s.name() + ":" + s.delivery()));
        return String.join("|", parts);
    }

    /** One line per setting for {@code plan}'s text output. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        gpuDevices.ifPresent(ids -> lines.add("gpus " + (ids.isEmpty() ? "all" : String.join(",", ids))));
        shmSize.ifPresent(size -> lines.add("shm " + size));
        memory.ifPresent(limit -> lines.add("memory limit " + limit));
        cpus.ifPresent(c -> lines.add("cpu limit " + c));
        ulimits.forEach(u -> lines.add("ulimit " + u));
        mounts.forEach(m -> lines.add(m.toString()));
        lines.add("logs " + logs);
        secrets.forEach(s -> lines.add("secret " + s));
        if (!dependsOn.isEmpty()) {
            lines.add("starts after " + String.join(", ", dependsOn));
        }
        return lines;
    }
}
