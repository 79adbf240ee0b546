package dev.slipway.validation;

import dev.slipway.dsl.Base;
import dev.slipway.dsl.DebianPackages;
import dev.slipway.dsl.Family;
import dev.slipway.dsl.FleetSpec;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Families built from Debian packages start from scratch (Slipway assembles the whole OS) and keep one suite along
 * their lineage; package names are Debian names; a wheel lock is a path.
 */
final class PackageRule implements Rule {
    private static final Pattern DEBIAN_NAME = Pattern.compile("[a-z0-9][a-z0-9+.-]+");

    @Override
    public void check(FleetSpec fleet, List<Problem> problems) {
        for (Family family : Fleet.familiesParentsFirst(fleet)) {
            family.debian().ifPresent(debian -> checkDebian(family, debian, problems));
            family.wheelLock().filter(String::isBlank).ifPresent(lock -> problems.add(Problem.family(family.name(),
                    "wheels", "the lock path is empty; expected a requirements lock file relative to the fleet")));
            if (family.wheelLock().isPresent() && !(family.rootBase() instanceof Base.Scratch)) {
                // site-packages and the interpreter are known only from a Debian python3.N Slipway installed
                problems.add(Problem.family(family.name(), "wheels", "installs wheels on top of " + family.rootBase()
                        + ", whose Python Slipway cannot see; expected a lineage from Base.scratch() with a Debian "
                        + "python3 package (e.g. .debian(BOOKWORM, \"python3\"))"));
            }
        }
    }

    private static void checkDebian(Family family, DebianPackages debian, List<Problem> problems) {
        if (debian.names().isEmpty()) {
            problems.add(Problem.family(family.name(), "debian", "no packages listed; expected at least one"));
        }
        for (String name : debian.names()) {
            if (!DEBIAN_NAME.matcher(name).matches()) {
                problems.add(Problem.family(family.name(), "debian", "'" + name
                        + "' is not a Debian package name; expected [a-z0-9][a-z0-9+.-]+"));
            }
        }
        if (!(family.rootBase() instanceof Base.Scratch)) {
            problems.add(Problem.family(family.name(), "debian", "installs Debian packages on top of "
                    + family.rootBase() + "; expected a lineage that starts from Base.scratch()"));
        }
        Optional<Family> parent = family.parent();
        Optional<dev.slipway.dsl.DebianSuite> inherited = parent.flatMap(Family::debianSuite);
        if (inherited.isPresent() && !inherited.get().equals(debian.suite())) {
            problems.add(Problem.family(family.name(), "debian", "uses " + debian.suite() + " but its parent uses "
                    + inherited.get() + "; expected one suite per lineage"));
        }
    }
}
