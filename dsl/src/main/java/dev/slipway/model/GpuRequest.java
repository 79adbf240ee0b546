package dev.slipway.model;

import java.util.List;

/**
 * The GPUs a service asks for on each machine it runs on: all of the machine's ({@link #ALL}) or named device ids
 * ({@link #devices(String...)}), which must be among the machine profile's {@code GPU_VISIBLE_DEVICES}.
 */
public record GpuRequest(List<String> deviceIds) {
    public static final GpuRequest ALL = new GpuRequest(List.of());

    public GpuRequest {
        deviceIds = List.copyOf(deviceIds);
    }

    public static GpuRequest devices(String... ids) {
        return new GpuRequest(List.of(ids));
    }

    public boolean all() {
        return deviceIds.isEmpty();
    }

    @Override
    public String toString() {
        return all() ? "all" : String.join(",", deviceIds);
    }
}
