package dev.slipway.locks;

import dev.slipway.dsl.DebianPackages;
import dev.slipway.dsl.DebianSuite;
import dev.slipway.dsl.Family;
import dev.slipway.packages.debian.DebianLock;
import dev.slipway.packages.debian.LockedPackage;
import dev.slipway.packages.debian.PackageIndex;
import dev.slipway.packages.debian.PackageProblem;
import dev.slipway.packages.debian.PackageProblems;
import dev.slipway.packages.debian.Resolution;
import dev.slipway.packages.debian.Resolver;
import dev.slipway.validation.Fleet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Locks every family that installs Debian packages, parents first. A child family's closure is resolved together
 * with everything its lineage asks for, then the packages the lineage already locked are taken out: a child locks
 * only what its parents lack, so no package is installed twice along a lineage.
 */
public final class FleetLocker {

    /** One family's lock and the file it belongs in. */
    public record LockedFamily(Family family, Path file, DebianLock lock) {
    }

    private final PackageSources sources;

    public FleetLocker(PackageSources sources) {
        this.sources = sources;
    }

    /**
     * The locks of every Debian family, or {@link PackageProblems} with every problem of every family at once.
     * Nothing is written; see {@link #write}.
     */
    public List<LockedFamily> resolve(Fleet fleet, Path fleetDirectory) throws IOException {
        Map<DebianSuite, PackageIndex> indexes = new HashMap<>();
        Map<String, List<LockedPackage>> lockedByFamily = new HashMap<>();
        Map<String, Set<String>> failedByFamily = new HashMap<>();
        List<LockedFamily> locks = new ArrayList<>();
        List<PackageProblem> problems = new ArrayList<>();
        for (Family family : fleet.families()) {
            if (family.debian().isEmpty()) {
                continue;
            }
            DebianPackages own = family.debian().get();
            PackageIndex index = indexes.get(own.suite());
            if (index == null) {
                index = sources.loadIndex(own.suite());
                indexes.put(own.suite(), index);
            }
            List<Family> ancestors = family.lineage().subList(0, family.lineage().size() - 1);
            Set<String> requested = new LinkedHashSet<>();
            Map<String, LockedPackage> inherited = new HashMap<>();
            Set<String> ancestorFailures = new java.util.HashSet<>();
            for (Family ancestor : ancestors) {
                ancestor.debian().ifPresent(d -> requested.addAll(d.names()));
                lockedByFamily.getOrDefault(ancestor.name(), List.of()).forEach(p -> inherited.put(p.name(), p));
                ancestorFailures.addAll(failedByFamily.getOrDefault(ancestor.name(), Set.of()));
            }
            requested.addAll(own.names());

            Resolution closure = new Resolver(index).resolve(family.name(), List.copyOf(requested));
            Set<String> failed = new java.util.HashSet<>();
            for (PackageProblem problem : closure.problems()) {
                failed.add(problem.packageName());
                // a parent's problem is reported once, for the parent
                if (!ancestorFailures.contains(problem.packageName())) {
                    problems.add(problem);
                }
            }
            failedByFamily.put(family.name(), failed);
            if (!closure.isComplete()) {
                continue;
            }
            List<LockedPackage> adds = new ArrayList<>();
            for (LockedPackage p : closure.toLock().packages()) {
                LockedPackage parents = inherited.get(p.name());
                if (parents == null) {
                    adds.add(p);
                } else if (!parents.version().equals(p.version())) {
                    problems.add(new PackageProblem(family.name(), p.name(), "needs version " + p.version()
                            + " with the family's packages, but its lineage locks " + parents.version()
                            + "; move the package to one family or relax the constraint"));
                }
            }
            lockedByFamily.put(family.name(), adds);
            DebianLock lock = new DebianLock(family.name(), FamilyLocks.recorded(closure.source(), fleetDirectory),
                    closure.provenance(), adds);
            locks.add(new LockedFamily(family, FamilyLocks.debianLock(fleetDirectory, family), lock));
        }
        if (!problems.isEmpty()) {
            throw new PackageProblems(problems);
        }
        return List.copyOf(locks);
    }

    /** Writes every lock; an unchanged lock keeps its bytes (and its file's timestamp). */
    public static List<Path> write(List<LockedFamily> locks) throws IOException {
        List<Path> changed = new ArrayList<>();
        for (LockedFamily locked : locks) {
            if (writeIfChanged(locked.file(), locked.lock().write())) {
                changed.add(locked.file());
            }
        }
        return changed;
    }

    /** Writes {@code text} atomically unless the file already holds exactly it; true if it wrote. */
    public static boolean writeIfChanged(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        if (Files.isRegularFile(file) && Files.readString(file).equals(text)) {
            return false;
        }
        Path partial = file.resolveSibling("." + file.getFileName() + ".partial");
        Files.writeString(partial, text);
        Files.move(partial, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return true;
    }
}
