package dev.slipway.images.steps;

import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import dev.slipway.images.InputProblem;
import dev.slipway.plan.ImagePlan;
import dev.slipway.plan.LayerPlan;
import java.io.IOException;
import java.util.List;

/** Turns one kind of planned layer into a Jib layer; {@link LayerSteps} picks the step by the layer's type. */
public interface LayerStep<L extends LayerPlan> {

    /** What is missing for this layer, checked before any image work. */
    List<InputProblem> check(ImagePlan image, L layer, StepContext context);

    FileEntriesLayer layer(ImagePlan image, L layer, StepContext context) throws IOException;

    /** How a layer is named in Jib's events and the progress output. */
    static String layerName(LayerPlan layer) {
        return layer.kind() + " " + layer.destination();
    }
}
