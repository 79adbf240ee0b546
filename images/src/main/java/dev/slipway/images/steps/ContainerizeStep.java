package dev.slipway.images.steps;

import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.JibEvent;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import dev.slipway.images.BuildTarget;
import dev.slipway.images.RegistryCredentials;
import dev.slipway.plan.ImagePlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Runs Jib for one image towards the target, with Slipway's cache directories. A tarball is written beside its
 * final name and moved into place only when complete. When pushing, Jib puts the manifest (the tag) only after
 * every layer and the config are in the registry, so a failed push leaves no tag.
 */
public final class ContainerizeStep {
    /** Part of every image's history ("slipway:1"); bump only when the image layout Slipway writes changes. */
    public static final String TOOL_NAME = "slipway";
    public static final String TOOL_VERSION = "1";

    private final RegistryCredentials credentials;

    public ContainerizeStep(RegistryCredentials credentials) {
        this.credentials = credentials;
    }

    public record Outcome(JibContainer container, Optional<Path> tarball) {
    }

    /** Where a plan's tarball goes below the output directory: families/NAME.tar, services/NAME.MACHINE.tar. */
    public static Path tarballPath(Path outputDirectory, ImagePlan plan) {
        return plan.kind() == ImagePlan.Kind.FAMILY
                ? outputDirectory.resolve("families").resolve(plan.name() + ".tar")
                : outputDirectory.resolve("services").resolve(plan.name() + "." + plan.machine().orElse("any") + ".tar");
    }

    public Outcome run(ImagePlan plan, JibContainerBuilder builder, BuildTarget target, StepContext context,
            Consumer<JibEvent> events) throws InvalidImageReferenceException, InterruptedException, RegistryException,
            IOException, CacheDirectoryCreationException, ExecutionException {
        ImageReference reference = ImageReference.parse(plan.image().text());
        if (target instanceof BuildTarget.Tarballs tarballs) {
            Path tarball = tarballPath(tarballs.directory(), plan);
            Files.createDirectories(tarball.getParent());
            Path partial = tarball.resolveSibling("." + tarball.getFileName() + ".partial");
            Files.deleteIfExists(partial);
            JibContainer container = builder.containerize(
                    configure(Containerizer.to(TarImage.at(partial).named(reference)), context, events, false));
            Files.move(partial, tarball, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new Outcome(container, Optional.of(tarball));
        }
        BuildTarget.Registry registry = (BuildTarget.Registry) target;
        RegistryImage image = credentials.attachTo(RegistryImage.named(reference), reference, events::accept);
        JibContainer container = builder.containerize(
                configure(Containerizer.to(image), context, events, registry.insecure())
                        .addEventHandler(LogEvent.class, GiveUpOnRefusedRegistry.forRegistry(reference.getRegistry(),
                                registry.insecure())));
        return new Outcome(container, Optional.empty());
    }

    private static Containerizer configure(Containerizer containerizer, StepContext context,
            Consumer<JibEvent> events, boolean insecure) {
        return containerizer
                .setBaseImageLayersCache(context.cache().baseLayers())
                .setApplicationLayersCache(context.cache().applicationLayers())
                .setAllowInsecureRegistries(insecure)
                .setToolName(TOOL_NAME)
                .setToolVersion(TOOL_VERSION)
                .addEventHandler(JibEvent.class, events::accept);
    }
}
