package dev.slipway.plan;

/** One layer an image adds on top of its base, in order: what goes in and where. */
public record LayerPlan(String name, String source, String destination) {
}
