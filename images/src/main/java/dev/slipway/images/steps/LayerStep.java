package dev.slipway.images.steps;

import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import dev.slipway.images.InputProblem;
import dev.slipway.plan.ImagePlan;
import dev.slipway.plan.LayerPlan;
import java.io.IOException;
import java.util.List;

/** Turns one kind of planned layer ({@link LayerPlan#name()}) into a Jib layer. */
public interface LayerStep {

    /** The {@link LayerPlan#name()} this step builds, e.g. {@code application}. */
    String kind();

    /** What is missing for this layer, checked before any image work. */
    List<InputProblem> check(ImagePlan image, LayerPlan layer, StepContext context);

    FileEntriesLayer layer(ImagePlan image, LayerPlan layer, StepContext context) throws IOException;

    /** How a layer is named in Jib's events and the progress output. */
    static String layerName(ImagePlan image, LayerPlan layer) {
        return layer.kind() + " " + layer.destination();
    }

    static String subject(ImagePlan image) {
        return image.subject();
    }
}
