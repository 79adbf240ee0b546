package dev.slipway.model;

/** One resource limit of the container's processes, as {@code docker run --ulimit name=soft:hard} sets it. */
public record Ulimit(String name, long soft, long hard) {

    @Override
    public String toString() {
        return name + "=" + soft + ":" + hard;
    }
}
