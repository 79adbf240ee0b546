package dev.slipway.images.steps;

import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import dev.slipway.images.InputProblem;
import dev.slipway.plan.ImagePlan;
import dev.slipway.plan.LayerPlan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Jib layers of an image: files, the machine profile and the application, each by its step. Debian and wheel
 * layers are not Jib layers: they are written into the packaged base image ({@code PackagedBaseWriter}).
 */
public final class LayerSteps {
    private final FileCopyLayerStep files = new FileCopyLayerStep();
    private final MachineProfileLayerStep machineProfile = new MachineProfileLayerStep();
    private final ApplicationLayerStep application = new ApplicationLayerStep();

    /** Every problem with the image's Jib layers: missing sources. */
    public List<InputProblem> check(ImagePlan image, StepContext context) {
        List<InputProblem> problems = new ArrayList<>();
        for (LayerPlan layer : image.layers()) {
            if (layer instanceof LayerPlan.FileCopy copy) {
                problems.addAll(files.check(image, copy, context));
            } else if (layer instanceof LayerPlan.MachineProfile profile) {
                problems.addAll(machineProfile.check(image, profile, context));
            } else if (layer instanceof LayerPlan.Application app) {
                problems.addAll(application.check(image, app, context));
            }
        }
        return problems;
    }

    /** The Jib layer for {@code layer}; empty for the kinds the packaged base holds. */
    public Optional<FileEntriesLayer> layer(ImagePlan image, LayerPlan layer, StepContext context)
            throws IOException {
        if (layer instanceof LayerPlan.FileCopy copy) {
            return Optional.of(files.layer(image, copy, context));
        }
        if (layer instanceof LayerPlan.MachineProfile profile) {
            return Optional.of(machineProfile.layer(image, profile, context));
        }
        if (layer instanceof LayerPlan.Application app) {
            return Optional.of(application.layer(image, app, context));
        }
        return Optional.empty();
    }
}
