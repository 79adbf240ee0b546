package dev.slipway.validation;

import dev.slipway.dsl.FleetSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Every rule a fleet must pass, run together so a user sees all problems at once. */
final class FleetRules {
    private static final List<Rule> RULES = List.of(
            new NameRule(),
            new PlacementRule(),
            new PortRule(),
            new CudaRule(),
            new GpuBudgetRule(),
            new RunAsRule(),
            new EnvRule(),
            new ImagePinRule(),
            new PackageRule(),
            new ReinstallRule(),
            new GpuRule(),
            new ResourceLimitRule(),
            new MountRule(),
            new SecretRule(),
            new DependencyRule());

    private FleetRules() {
    }

    static List<Problem> check(FleetSpec spec) {
        List<Problem> problems = new ArrayList<>();
        for (Rule rule : RULES) {
            rule.check(spec, problems);
        }
        Collections.sort(problems);
        return List.copyOf(problems);
    }
}
