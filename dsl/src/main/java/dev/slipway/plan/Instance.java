package dev.slipway.plan;

/** One service running on one machine, and the image it should run. */
public record Instance(String service, String machine, String image) {
    public String id() {
        return service + "@" + machine;
    }
}
