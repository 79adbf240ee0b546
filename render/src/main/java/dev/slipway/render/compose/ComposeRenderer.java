package dev.slipway.render.compose;

import dev.slipway.plan.FleetPlan;
import dev.slipway.plan.HealthCheckPlan;
import dev.slipway.plan.ImagePlan;
import dev.slipway.plan.ImagePlanner;
import dev.slipway.plan.InstancePlan;
import dev.slipway.render.ImageDigests;
import dev.slipway.render.RenderRefused;
import dev.slipway.render.RenderedFile;
import dev.slipway.render.Rendering;
import dev.slipway.render.Yaml;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders one machine of a {@link FleetPlan} as a Compose file that runs its instances as Slipway's Docker-host
 * rollout creates them: host network, the image's user, restart {@code unless-stopped}, {@code no-new-privileges},
 * the plan's health check. A debugging aid for one machine; each concern is one method.
 */
public final class ComposeRenderer {
    public static final String RENDERED_BY_LABEL = ImagePlanner.LABEL_PREFIX + "rendered-by";

    private final FleetPlan plan;
    private final ImageDigests digests;

    private ComposeRenderer(FleetPlan plan, ImageDigests digests) {
        this.plan = plan;
        this.digests = digests;
    }

    /** {@code fileName} holding every instance on {@code machine}; a machine without one is refused, naming those that have. */
    public static Rendering render(FleetPlan plan, String machine, ImageDigests digests, String fileName) {
        List<InstancePlan> instances = plan.on(machine);
        if (instances.isEmpty()) {
            throw new RenderRefused(List.of("--machine: '" + machine + "' runs no service of fleet " + plan.fleet()
                    + "; machines with services: " + String.join(", ", plan.machines())));
        }
        ComposeRenderer renderer = new ComposeRenderer(plan, digests);
        List<String> warnings = new ArrayList<>();
        Map<String, ComposeFile.Service> services = new LinkedHashMap<>();
        for (InstancePlan instance : instances) {
            services.put(instance.service(), renderer.service(instance, warnings));
        }
        return new Rendering(List.of(new RenderedFile(fileName,
                Yaml.write(new ComposeFile(ComposeFile.VERSION, services)))), warnings);
    }

    ComposeFile.Service service(InstancePlan instance, List<String> warnings) {
        ImagePlan image = plan.image(instance.image().text()).orElseThrow(() -> new IllegalStateException(
                "instance " + instance.id() + ": image " + instance.image() + " is not in the plan"));
        return new ComposeFile.Service(digests.reference(instance, warnings), image.user(), "host", "unless-stopped",
                List.of("no-new-privileges:true"), readOnly(instance), healthcheck(instance.healthCheck()),
                labels(instance));
    }

    /** As on the Docker hosts, the root filesystem stays writable (null: the key is left out). */
    Boolean readOnly(InstancePlan instance) {
        return null;
    }

    static ComposeFile.Healthcheck healthcheck(HealthCheckPlan health) {
        return new ComposeFile.Healthcheck(health.test(), health.intervalSeconds() + "s",
                health.timeoutSeconds() + "s", health.startPeriodSeconds() + "s", health.retries());
    }

    /** Which instance and build a container is; the image's own dev.slipway.* labels come with it. */
    Map<String, String> labels(InstancePlan instance) {
        Map<String, String> labels = new TreeMap<>();
        labels.put(ImagePlanner.MACHINE_LABEL, instance.machine());
        labels.put(ImagePlanner.INSTANCE_IMAGE_LABEL, instance.image().text());
        labels.put(ImagePlanner.INSTANCE_REVISION_LABEL, plan.build().revision());
        labels.put(RENDERED_BY_LABEL, "compose");
        return labels;
    }
}
