package dev.slipway.images.steps;

import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.JibEvent;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import dev.slipway.dsl.Base;
import dev.slipway.images.BuiltImage;
import dev.slipway.images.InputProblem;
import dev.slipway.images.RegistryCredentials;
import dev.slipway.plan.ImagePlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where an image starts. A child family or a service starts from the image built for its parent (its tarball, or
 * its digest in the registry); a root family from its {@link Base}: a pinned registry image, a local image tarball
 * ({@code docker save} format) or scratch.
 */
public final class BaseImageStep {
    private final RegistryCredentials credentials;

    public BaseImageStep(RegistryCredentials credentials) {
        this.credentials = credentials;
    }

    public static List<InputProblem> check(ImagePlan plan, StepContext context) {
        return plan.rootBase()
                .filter(Base.Tarball.class::isInstance)
                .map(base -> context.resolve(((Base.Tarball) base).path()))
                .filter(path -> !Files.isRegularFile(path))
                .map(path -> List.of(new InputProblem(plan.subject(), path,
                        "does not exist (base image tarball)")))
                .orElse(List.of());
    }

    public JibContainerBuilder from(ImagePlan plan, Optional<BuiltImage> parent, StepContext context,
            Consumer<JibEvent> events) throws InvalidImageReferenceException {
        if (parent.isPresent()) {
            BuiltImage built = parent.get();
            if (built.tarball().isPresent()) {
                return Jib.from(TarImage.at(built.tarball().get()));
            }
            return Jib.from(registryImage(built.pinnedReference(), events));
        }
        Base base = plan.rootBase().orElseThrow(() -> new IllegalStateException(
                plan.image() + " has neither a built parent image nor a root base"));
        if (base instanceof Base.RegistryImage registry) {
            return Jib.from(registryImage(registry.reference().text(), events));
        }
        if (base instanceof Base.Tarball tarball) {
            Path file = context.resolve(tarball.path());
            return Jib.from(TarImage.at(file));
        }
        return Jib.fromScratch();
    }

    RegistryImage registryImage(String reference, Consumer<JibEvent> events) throws InvalidImageReferenceException {
        ImageReference parsed = ImageReference.parse(reference);
        Consumer<LogEvent> logger = events::accept;
        return credentials.attachTo(RegistryImage.named(parsed), parsed, logger);
    }
}
