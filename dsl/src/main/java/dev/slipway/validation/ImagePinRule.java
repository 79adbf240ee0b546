package dev.slipway.validation;

import dev.slipway.dsl.Base;
import dev.slipway.dsl.Family;
import dev.slipway.dsl.FleetSpec;
import java.util.List;

/** An image Slipway does not build itself must be pinned by digest: a tag can move, a digest cannot. */
final class ImagePinRule implements Rule {

    @Override
    public void check(FleetSpec fleet, List<Problem> problems) {
        for (Family family : Fleet.familiesParentsFirst(fleet)) {
            if (family.base().orElse(null) instanceof Base.RegistryImage image && !image.reference().isPinned()) {
                problems.add(Problem.family(family.name(), "base", "'" + image.reference()
                        + "' is not pinned; expected repository@sha256:<64 hex digits>"));
            }
        }
    }
}
