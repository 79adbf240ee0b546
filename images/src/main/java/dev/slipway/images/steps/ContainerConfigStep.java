package dev.slipway.images.steps;

import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Port;
import dev.slipway.plan.ImagePlan;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The image config from the plan: env and labels for every image; user, entrypoint (tini), cmd, exactly the two
 * ports and the working directory for a service. A family leaves what it does not plan to its base.
 *
 * <p>Docker's HEALTHCHECK is not set here: jib-core 0.27.3 has no API for it, it only carries the base image's
 * health check over to the image it builds. So the check is written where Slipway writes the config itself: the base
 * of each family that installs Debian packages or wheels ({@code PackagedBaseWriter}), from which its child families
 * and services inherit it. An image whose lineage installs nothing (a family on a registry image, on a user's
 * tarball or on scratch, and its services) has only what its base image carries, none from Slipway; for every
 * container the rollout sets the planned check through the Engine API at deploy time, over the image's.
 */
public final class ContainerConfigStep {
    /** Fixed, so the config digest does not depend on when it was built. */
    public static final Instant CREATION_TIME = Instant.EPOCH;

    public void apply(ImagePlan plan, JibContainerBuilder builder) {
        // Docker V2.2: what `docker load` (20.10) and Jib's own tarball bases read; registries serve it to any runtime.
        builder.setFormat(ImageFormat.Docker);
        builder.setCreationTime(CREATION_TIME);
        builder.setEnvironment(plan.env());
        builder.setLabels(plan.labels());
        if (plan.kind() == ImagePlan.Kind.SERVICE) {
            builder.setUser(plan.user());
            builder.setEntrypoint(plan.entrypoint());
            builder.setProgramArguments(plan.cmd());
            Set<Port> ports = new LinkedHashSet<>();
            plan.exposedPorts().forEach(port -> ports.add(Port.tcp(port.number())));
            builder.setExposedPorts(ports);
            builder.setWorkingDirectory(AbsoluteUnixPath.get(plan.workingDirectory()));
        }
    }
}
