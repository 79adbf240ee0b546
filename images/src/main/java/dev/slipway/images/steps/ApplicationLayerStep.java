package dev.slipway.images.steps;

import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import dev.slipway.images.InputProblem;
import dev.slipway.plan.ImagePlan;
import dev.slipway.plan.LayerPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A service's application directory at {@code /app}: the last layer, so an app change rebuilds only this one. */
public final class ApplicationLayerStep implements LayerStep<LayerPlan.Application> {

    @Override
    public List<InputProblem> check(ImagePlan image, LayerPlan.Application layer, StepContext context) {
        Path directory = context.resolve(layer.source());
        if (!Files.exists(directory)) {
            return List.of(new InputProblem(image.subject(), directory,
                    "does not exist (application directory \"" + layer.source() + "\")"));
        }
        if (!Files.isDirectory(directory)) {
            return List.of(new InputProblem(image.subject(), directory,
                    "is not a directory (application directory \"" + layer.source() + "\")"));
        }
        return List.of();
    }

    @Override
    public FileEntriesLayer layer(ImagePlan image, LayerPlan.Application layer, StepContext context)
            throws IOException {
        return FileEntriesLayer.builder()
                .setName(LayerStep.layerName(layer))
                .setEntries(ReproducibleEntries.of(context.resolve(layer.source()),
                        AbsoluteUnixPath.get(layer.destination())))
                .build();
    }
}
