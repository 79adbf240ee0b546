package dev.slipway.images.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import dev.slipway.images.BuiltImage;
import dev.slipway.images.supplychain.OciRegistry;
import dev.slipway.plan.ImagePlan;
import java.io.IOException;

/**
 * Before Jib pushes an image built on a parent this build pushed to the same registry, mounts the parent's layers
 * into the image's repository. jib-core 0.27.3 checks only whether the target repository already has a base layer
 * and otherwise pulls it back from the registry before it pushes (its own "TODO: also check if cross-repo blob
 * mount is possible"): for a family of several GB that is a download of every layer for each child repository.
 * Mounted first, Jib finds them in place and neither pulls nor pushes them.
 */
public final class MountParentLayersStep {
    private final OciRegistry registry;

    public MountParentLayersStep(OciRegistry registry) {
        this.registry = registry;
    }

    /** How many of the parent's layers were mounted into {@code plan}'s repository. */
    public int mount(ImagePlan plan, BuiltImage parent) throws IOException, InvalidImageReferenceException {
        ImageReference target = ImageReference.parse(plan.image().text());
        ImageReference source = ImageReference.parse(parent.image());
        if (!target.getRegistry().equals(source.getRegistry())
                || target.getRepository().equals(source.getRepository())) {
            return 0;
        }
        JsonNode manifest = registry.manifest(source, parent.digest()).orElseThrow(() -> new IOException(
                OciRegistry.repository(source) + " has no manifest " + parent.digest() + " (the parent image)"))
                .json();
        int mounted = 0;
        for (JsonNode layer : manifest.path("layers")) {
            if (registry.mountBlob(target, layer.path("digest").asText(), source.getRepository())) {
                mounted++;
            }
        }
        return mounted;
    }
}
