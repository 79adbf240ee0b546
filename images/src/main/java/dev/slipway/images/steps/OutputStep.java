package dev.slipway.images.steps;

import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.JibEvent;
import com.google.cloud.tools.jib.api.RegistryException;
import dev.slipway.images.BuildTarget;
import dev.slipway.images.RegistryCredentials;
import dev.slipway.plan.ImagePlan;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * The last step of an image: Jib runs and puts it where the build's target says, with Slipway's cache directories.
 * {@link PushStep} pushes it to its registry; {@link TarballStep} writes a {@code docker load} tarball.
 */
public sealed interface OutputStep permits PushStep, TarballStep {
    /** Part of every image's history ("slipway:1"); bump only when the image layout Slipway writes changes. */
    String TOOL_NAME = "slipway";
    String TOOL_VERSION = "1";

    /** What Jib built and, for a tarball, the file. */
    record Outcome(JibContainer container, Optional<Path> tarball) {
    }

    Outcome run(ImagePlan plan, JibContainerBuilder builder, StepContext context, Consumer<JibEvent> events)
            throws InvalidImageReferenceException, InterruptedException, RegistryException, IOException,
            CacheDirectoryCreationException, ExecutionException;

    static OutputStep forTarget(BuildTarget target, RegistryCredentials credentials) {
        if (target instanceof BuildTarget.Tarballs tarballs) {
            return new TarballStep(tarballs.directory());
        }
        return new PushStep(credentials, ((BuildTarget.Registry) target).insecure());
    }

    /** Where a plan's tarball goes below the output directory: families/NAME.tar, services/NAME.MACHINE.tar. */
    static Path tarballPath(Path outputDirectory, ImagePlan plan) {
        return plan.kind() == ImagePlan.Kind.FAMILY
                ? outputDirectory.resolve("families").resolve(plan.name() + ".tar")
                : outputDirectory.resolve("services")
                        .resolve(plan.name() + "." + plan.machine().orElse("any") + ".tar");
    }

    /** Slipway's caches, history name and event handling, the same for every target. */
    static Containerizer configure(Containerizer containerizer, StepContext context, Consumer<JibEvent> events,
            boolean insecure) {
        return containerizer
                .setBaseImageLayersCache(context.cache().baseLayers())
                .setApplicationLayersCache(context.cache().applicationLayers())
                .setAllowInsecureRegistries(insecure)
                .setToolName(TOOL_NAME)
                .setToolVersion(TOOL_VERSION)
                .addEventHandler(JibEvent.class, events::accept);
    }
}
