package dev.slipway.images.steps;

import dev.slipway.images.InputProblem;
import dev.slipway.plan.ImagePlan;
import dev.slipway.plan.LayerPlan;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The layer steps a build knows, by planned layer kind; new kinds (Debian packages, wheels) plug in here. */
public final class LayerSteps {
    private final Map<String, LayerStep> byKind;

    private LayerSteps(List<LayerStep> steps) {
        Map<String, LayerStep> map = new LinkedHashMap<>();
        steps.forEach(step -> map.put(step.kind(), step));
        this.byKind = Map.copyOf(map);
    }

    public static LayerSteps standard() {
        return new LayerSteps(List.of(new FileCopyLayerStep(), new MachineProfileLayerStep(),
                new ApplicationLayerStep()));
    }

    public LayerSteps with(LayerStep step) {
        List<LayerStep> all = new java.util.ArrayList<>(byKind.values());
        all.add(step);
        return new LayerSteps(all);
    }

    public Optional<LayerStep> forLayer(LayerPlan layer) {
        return Optional.ofNullable(byKind.get(layer.kind()));
    }

    /** Every problem with the plan's layers: missing sources, or a layer kind no step builds. */
    public List<InputProblem> check(ImagePlan image, StepContext context) {
        List<InputProblem> problems = new java.util.ArrayList<>();
        for (LayerPlan layer : image.layers()) {
            Optional<LayerStep> step = forLayer(layer);
            if (step.isEmpty()) {
                problems.add(new InputProblem(LayerStep.subject(image), Path.of(layer.source()),
                        "is a '" + layer.kind() + "' layer, which this build cannot make yet (known: "
                                + String.join(", ", byKind.keySet().stream().sorted().toList()) + ")"));
            } else {
                problems.addAll(step.get().check(image, layer, context));
            }
        }
        return problems;
    }
}
