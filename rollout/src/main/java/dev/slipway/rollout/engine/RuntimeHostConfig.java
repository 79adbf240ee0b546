package dev.slipway.rollout.engine;

import com.github.dockerjava.api.model.DeviceRequest;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.Ulimit;
import com.github.dockerjava.api.model.VolumeOptions;
import dev.slipway.model.LogRotation;
import dev.slipway.model.Mount;
import dev.slipway.plan.RuntimePlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An instance's {@link RuntimePlan} as the Engine API's HostConfig fields; the conversions a Swarm service spec
 * shares with it (mounts, ulimits, log options, the image user's ids) are public, so each is written once.
 */
public final class RuntimeHostConfig {
    /** The log driver every Slipway container and Swarm task uses, with {@link #logOptions} as its rotation. */
    public static final String LOG_DRIVER = LogConfig.LoggingType.JSON_FILE.getType();

    private RuntimeHostConfig() {
    }

    static HostConfig apply(ContainerSpec spec, HostConfig host) {
        RuntimePlan runtime = spec.runtime();
        runtime.gpuDevices().ifPresent(ids -> {
            // what `docker run --gpus all` / `--gpus device=0,1` sends
            DeviceRequest request = new DeviceRequest().withDriver("nvidia")
                    .withCapabilities(List.of(List.of("gpu")));
            host.withDeviceRequests(List.of(ids.isEmpty() ? request.withCount(-1) : request.withDeviceIds(ids)));
        });
        runtime.shmSize().ifPresent(size -> host.withShmSize(size.bytes()));
        runtime.memory().ifPresent(limit -> host.withMemory(limit.bytes()));
        runtime.nanoCpus().ifPresent(host::withNanoCPUs);
        if (!runtime.ulimits().isEmpty()) {
            host.withUlimits(ulimits(runtime));
        }
        if (!runtime.mounts().isEmpty()) {
            host.withMounts(mounts(runtime, spec.labels().containsKey(Labels.FLEET)
                    ? Map.of(Labels.FLEET, spec.labels().get(Labels.FLEET))
                    : Map.of()));
        }
        host.withLogConfig(new LogConfig(LogConfig.LoggingType.JSON_FILE, logOptions(runtime.logs())));
        return host;
    }

    /** Named volumes (created with {@code volumeLabels}) and read-only binds, in the plan's order. */
    public static List<com.github.dockerjava.api.model.Mount> mounts(RuntimePlan runtime,
            Map<String, String> volumeLabels) {
        List<com.github.dockerjava.api.model.Mount> mounts = new ArrayList<>();
        for (Mount mount : runtime.mounts()) {
            if (mount instanceof Mount.Volume volume) {
                mounts.add(new com.github.dockerjava.api.model.Mount().withType(MountType.VOLUME)
                        .withSource(volume.name()).withTarget(volume.containerPath())
                        .withVolumeOptions(new VolumeOptions().withLabels(volumeLabels)));
            } else if (mount instanceof Mount.ReadOnlyBind bind) {
                mounts.add(new com.github.dockerjava.api.model.Mount().withType(MountType.BIND)
                        .withSource(bind.hostPath()).withTarget(bind.containerPath()).withReadOnly(true));
            }
        }
        return mounts;
    }

    /** What {@code docker run --ulimit name=soft:hard} sends. */
    public static List<Ulimit> ulimits(RuntimePlan runtime) {
        return runtime.ulimits().stream().map(u -> new Ulimit(u.name(), u.soft(), u.hard())).toList();
    }

    /** json-file's {@code max-size} (bytes) and {@code max-file}, sorted (a Swarm spec is hashed as JSON). */
    public static Map<String, String> logOptions(LogRotation logs) {
        return new TreeMap<>(Map.of("max-size", logs.maxSizeOption(), "max-file", Integer.toString(logs.maxFiles())));
    }

    /** The numeric uid and gid of a {@code uid:gid} user; the SPEC's 10001 when the image names its user otherwise. */
    public static int[] uidGid(String user) {
        String[] parts = user.split(":");
        try {
            int uid = Integer.parseInt(parts[0]);
            int gid = parts.length > 1 ? Integer.parseInt(parts[1]) : uid;
            return new int[]{uid, gid};
        } catch (NumberFormatException e) {
            return new int[]{ContainerFiles.APP_UID, ContainerFiles.APP_UID};
        }
    }
}
