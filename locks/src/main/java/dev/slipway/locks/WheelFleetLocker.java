package dev.slipway.locks;

import dev.slipway.dsl.Family;
import dev.slipway.packages.debian.LockedPackage;
import dev.slipway.packages.python.PinnedList;
import dev.slipway.packages.python.PythonVersion;
import dev.slipway.packages.python.WheelLock;
import dev.slipway.packages.python.WheelLocker;
import dev.slipway.packages.python.WheelProblems;
import dev.slipway.packages.python.WheelSource;
import dev.slipway.packages.python.WheelTarget;
import dev.slipway.validation.Fleet;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Locks every family that installs wheels, parents first, from its pinned list ({@code locks/x.requirements.txt}
 * beside the lock {@code locks/x.requirements.lock} the definition names). What the lineage installs (its parents'
 * pins and Debian {@code python3-NAME} packages) satisfies requirements and may not be pinned again. Run after the
 * Debian locks are written: they tell which Python the wheels are for.
 */
public final class WheelFleetLocker {

    /** One family's wheel lock, as text, and the file it belongs in. */
    public record LockedWheels(Family family, Path file, String text, int wheels) {
    }

    private final PackageSources sources;
    private final Path downloads;

    /** {@code downloads} keeps wheels that had to be fetched to be hashed or to read their metadata. */
    public WheelFleetLocker(PackageSources sources, Path downloads) {
        this.sources = sources;
        this.downloads = downloads;
    }

    /** The wheel locks, or {@link LockProblems} with every problem of every family; nothing is written. */
    public List<LockedWheels> resolve(Fleet fleet, Path fleetDirectory) {
        List<String> problems = new ArrayList<>();
        List<LockedWheels> locks = new ArrayList<>();
        Map<String, PinnedList> pinnedByFamily = new HashMap<>();
        for (Family family : fleet.families()) {
            if (family.wheelLock().isEmpty()) {
                continue;
            }
            String subject = "family '" + family.name() + "': ";
            Path lockFile = FamilyPackages.wheelLock(fleetDirectory, family).orElseThrow();
            Path pinnedFile = FamilyLocks.pinnedRequirements(lockFile);
            PinnedList pinned;
            try {
                pinned = PinnedList.read(pinnedFile);
            } catch (NoSuchFileException e) {
                problems.add(subject + fleetDirectory.relativize(pinnedFile) + " does not exist; expected the fully "
                        + "pinned list (name==version per line, as pip freeze prints it) to lock "
                        + lockFile.getFileName());
                continue;
            } catch (IOException e) {
                problems.add(subject + "cannot read " + pinnedFile + ": " + e.getMessage());
                continue;
            } catch (WheelProblems e) {
                e.problems().forEach(p -> problems.add(subject + fleetDirectory.relativize(pinnedFile) + " " + p));
                continue;
            }
            pinnedByFamily.put(family.name(), pinned);
            List<FamilyPackages> lineage = FamilyPackages.lineage(family, fleetDirectory);
            Optional<WheelTarget> target = FamilyPackages.wheelTarget(lineage);
            if (target.isEmpty()) {
                problems.add(subject + "no Debian python3.N package is locked in the family's lineage, so there is no "
                        + "Python to lock wheels for; lock the Debian families first");
                continue;
            }
            List<WheelSource> from = sources.wheelsFor(pinned.indexes(), fleetDirectory);
            if (from.isEmpty()) {
                problems.add(subject + "no index: name --index-url in " + fleetDirectory.relativize(pinnedFile)
                        + " or pass --wheels URL|DIR");
                continue;
            }
            List<String> recorded = !pinned.indexes().isEmpty()
                    ? pinned.indexes()
                    : from.stream()
                            .filter(s -> s instanceof WheelSource.SimpleIndex)
                            .map(s -> ((WheelSource.SimpleIndex) s).index()
                                    .toString())
                            .toList();
            try {
                WheelLock lock = new WheelLocker(from, target.get(), downloads)
                        .lock(pinned, recorded, provided(family, lineage, pinnedByFamily));
                String madeFrom = fleetDirectory.relativize(pinnedFile).toString().replace('\\', '/');
                locks.add(new LockedWheels(family, lockFile, lock.write(madeFrom), lock.requirements().size()));
            } catch (WheelProblems e) {
                e.problems().forEach(p -> problems.add(subject + p));
            } catch (IOException e) {
                problems.add(subject + "cannot read the wheel indexes (" + String.join(", ",
                        from.stream().map(String::valueOf).toList()) + "): "
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                        + "; make this lock with `lock` on a machine that reaches them");
            }
        }
        if (!problems.isEmpty()) {
            throw new LockProblems(problems);
        }
        return List.copyOf(locks);
    }

    /** What the family's parents install: their pinned wheels and their Debian python3-NAME packages. */
    private static Map<String, WheelLocker.Provided> provided(Family family, List<FamilyPackages> lineage,
            Map<String, PinnedList> pinnedByFamily) {
        Map<String, WheelLocker.Provided> provided = new HashMap<>();
        for (FamilyPackages ancestor : lineage.subList(0, lineage.size() - 1)) {
            String by = ancestor.family().name();
            for (LockedPackage p : ancestor.debianPackages()) {
                if (p.name().startsWith("python3-")) {
                    upstream(p.version().toString())
                            .ifPresent(v -> provided.putIfAbsent(p.name().substring("python3-".length()),
                                    new WheelLocker.Provided(p.name().substring("python3-".length()), v, by)));
                }
            }
            PinnedList pins = pinnedByFamily.get(by);
            if (pins != null) {
                pins.pins().forEach(pin -> provided.putIfAbsent(pin.name(),
                        new WheelLocker.Provided(pin.name(), pin.version(), by)));
            }
        }
        return provided;
    }

    /** A Debian version's upstream part as a PEP 440 version ({@code 1:1.24.2-1+deb12u1} → 1.24.2), if it is one. */
    static Optional<String> upstream(String debianVersion) {
        String v = debianVersion.replaceFirst("^[0-9]+:", "").replaceFirst("-[^-]*$", "")
                .replaceFirst("[+~](dfsg|ds|repack).*$", "");
        try {
            return Optional.of(PythonVersion.parse(v).toString());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Writes every lock; an unchanged one keeps its bytes. The files written. */
    public static List<Path> write(List<LockedWheels> locks) throws IOException {
        List<Path> changed = new ArrayList<>();
        for (LockedWheels locked : locks) {
            if (FleetLocker.writeIfChanged(locked.file(), locked.text())) {
                changed.add(locked.file());
            }
        }
        return changed;
    }

}
