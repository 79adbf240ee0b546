package dev.slipway.images.steps;

import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.JibEvent;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.TarImage;
import dev.slipway.plan.ImagePlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Writes an image as a {@code docker load} tarball below the output directory; written beside its final name and
 * moved into place only when complete, so a failed build leaves no partial tarball under the final name.
 */
public final class TarballStep implements OutputStep {
    private final Path directory;

    public TarballStep(Path directory) {
        this.directory = directory;
    }

    @Override
    public Outcome run(ImagePlan plan, JibContainerBuilder builder, StepContext context, Consumer<JibEvent> events)
            throws InvalidImageReferenceException, InterruptedException, RegistryException, IOException,
            CacheDirectoryCreationException, ExecutionException {
        ImageReference reference = ImageReference.parse(plan.image().text());
        Path tarball = OutputStep.tarballPath(directory, plan);
        Files.createDirectories(tarball.getParent());
        Path partial = tarball.resolveSibling("." + tarball.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        JibContainer container = builder.containerize(
                OutputStep.configure(Containerizer.to(TarImage.at(partial).named(reference)), context, events, false));
        Files.move(partial, tarball, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return new Outcome(container, Optional.of(tarball));
    }
}
