package dev.slipway.plan;

import dev.slipway.model.ImageReference;

/** One service running on one machine, and the image it should run: how a wave lists what it rolls out. */
public record Instance(String service, String machine, ImageReference image) {

    public InstanceId id() {
        return new InstanceId(service, machine);
    }
}
