package dev.slipway.render;

import dev.slipway.locks.FamilyPackages;
import dev.slipway.plan.FleetPlan;
import dev.slipway.plan.ImagePlan;
import dev.slipway.plan.PackagedFamily;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What one family installs itself, as its locks say: Debian packages (requested by the definition, and locked with
 * their dependencies, only those its parents lack) and wheels. Empty counts where the family has no lock yet.
 */
public record FamilyContents(int debianRequested, Optional<Integer> debianLocked, boolean wheelLock,
        Optional<Integer> wheels) {

    public static final FamilyContents NOTHING = new FamilyContents(0, Optional.empty(), false, Optional.empty());

    public boolean installsAnything() {
        return debianRequested > 0 || wheelLock;
    }

    /** Every family of the plan, in plan order, read from the locks under the fleet's directory. */
    public static Map<String, FamilyContents> read(FleetPlan plan, Path fleetDirectory) {
        Map<String, FamilyContents> contents = new LinkedHashMap<>();
        for (ImagePlan image : plan.images()) {
            if (image.kind() != ImagePlan.Kind.FAMILY) {
                continue;
            }
            Optional<PackagedFamily> own = image.packages().stream()
                    .filter(p -> p.name().equals(image.name())).findFirst();
            contents.put(image.name(), own.filter(PackagedFamily::installsAnything)
                    .map(p -> of(p, FamilyPackages.read(p, fleetDirectory))).orElse(NOTHING));
        }
        return contents;
    }

    private static FamilyContents of(PackagedFamily family, FamilyPackages locked) {
        return new FamilyContents(family.debianPackages().size(), locked.debian().map(l -> l.packages().size()),
                family.wheelLock().isPresent(), locked.wheels().map(w -> w.requirements().size()));
    }
}
