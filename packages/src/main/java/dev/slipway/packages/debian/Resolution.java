package dev.slipway.packages.debian;

import java.util.List;
import java.util.Objects;

/** The dependency closure of one family: packages sorted by name, or the problems found. */
public record Resolution(String family, DebianSource source, IndexProvenance provenance,
        List<DebianPackage> packages, List<PackageProblem> problems) {

    public Resolution {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(provenance, "provenance");
        packages = List.copyOf(packages);
        problems = List.copyOf(problems);
    }

    public boolean isComplete() {
        return problems.isEmpty();
    }

    /** The lock for this closure; refuses with every problem if the closure is incomplete. */
    public DebianLock toLock() {
        if (!isComplete()) {
            throw new PackageProblems(problems);
        }
        return new DebianLock(family, source, provenance, packages.stream().map(LockedPackage::of).toList());
    }
}
