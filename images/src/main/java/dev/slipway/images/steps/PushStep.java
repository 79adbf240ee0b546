package dev.slipway.images.steps;

import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.JibEvent;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryImage;
import dev.slipway.images.RegistryCredentials;
import dev.slipway.plan.ImagePlan;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Pushes an image to the registry its planned name names. Jib puts the manifest (the tag) only after every layer
 * and the config are in the registry, so a failed push leaves no tag.
 */
public final class PushStep implements OutputStep {
    private final RegistryCredentials credentials;
    private final boolean insecure;

    public PushStep(RegistryCredentials credentials, boolean insecure) {
        this.credentials = credentials;
        this.insecure = insecure;
    }

    @Override
    public Outcome run(ImagePlan plan, JibContainerBuilder builder, StepContext context, Consumer<JibEvent> events)
            throws InvalidImageReferenceException, InterruptedException, RegistryException, IOException,
            CacheDirectoryCreationException, ExecutionException {
        ImageReference reference = ImageReference.parse(plan.image().text());
        RegistryImage image = credentials.attachTo(RegistryImage.named(reference), reference, events::accept);
        JibContainer container = builder.containerize(
                OutputStep.configure(Containerizer.to(image), context, events, insecure)
                        .addEventHandler(LogEvent.class, GiveUpOnRefusedRegistry.forRegistry(reference.getRegistry(),
                                insecure)));
        return new Outcome(container, Optional.empty());
    }
}
