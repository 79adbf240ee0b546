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

/** A family's declared file or directory ({@code Family.files(source, destination)}), one layer per copy. */
public final class FileCopyLayerStep implements LayerStep<LayerPlan.FileCopy> {

    @Override
    public List<InputProblem> check(ImagePlan image, LayerPlan.FileCopy layer, StepContext context) {
        Path source = context.resolve(layer.source());
        return Files.exists(source)
                ? List.of()
                : List.of(new InputProblem(image.subject(), source,
                        "does not exist (files \"" + layer.source() + "\" -> " + layer.destination() + ")"));
    }

    @Override
    public FileEntriesLayer layer(ImagePlan image, LayerPlan.FileCopy layer, StepContext context)
            throws IOException {
        return FileEntriesLayer.builder()
                .setName(LayerStep.layerName(layer))
                .setEntries(ReproducibleEntries.of(context.resolve(layer.source()),
                        AbsoluteUnixPath.get(layer.destination())))
                .build();
    }
}
