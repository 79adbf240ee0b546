package dev.slipway.locks;

import dev.slipway.dsl.Family;
import dev.slipway.plan.PackagedFamily;
import dev.slipway.packages.debian.DebianLock;
import dev.slipway.packages.debian.LockedPackage;
import dev.slipway.packages.python.WheelLock;
import dev.slipway.packages.python.WheelProblems;
import dev.slipway.packages.python.WheelTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one family of a lineage installs, read from its locks: its Debian lock (only what its parents lack) and its
 * wheel lock. Read problems are values, so a build can report every family's at once.
 */
public record FamilyPackages(PackagedFamily family, Optional<DebianLock> debian, Optional<WheelLock> wheels,
        List<String> debianProblems, List<String> wheelProblems) {

    private static final Pattern PYTHON = Pattern.compile("(?:lib)?python(3\\.[0-9]{1,2})(?:-minimal)?");

    public FamilyPackages {
        debianProblems = List.copyOf(debianProblems);
        wheelProblems = List.copyOf(wheelProblems);
    }

    /** The family's locks; a missing or unreadable lock is a problem, as is a lock that misses a requested name. */
    public static FamilyPackages read(Family family, Path fleetDirectory) {
        return read(PackagedFamily.of(family), fleetDirectory);
    }

    /** The same, for a family as the plan names it. */
    public static FamilyPackages read(PackagedFamily family, Path fleetDirectory) {
        List<String> problems = new ArrayList<>();
        Optional<DebianLock> debian = Optional.empty();
        if (family.installsDebian()) {
            Path file = FamilyLocks.debianLock(fleetDirectory, family.name());
            if (!Files.isRegularFile(file)) {
                problems.add("does not exist: the family's Debian packages are not locked; run `lock` "
                        + "(e.g. java -jar runner.jar lock --fleet DEFINITION --debian-mirror URL|DIR)");
            } else {
                try {
                    DebianLock lock = DebianLock.read(file);
                    if (!lock.family().equals(family.name())) {
                        problems.add("is the lock of family '" + lock.family() + "'; run `lock` again");
                    } else {
                        debian = Optional.of(lock);
                    }
                } catch (IOException | IllegalArgumentException e) {
                    problems.add("cannot be read: " + e.getMessage().replace('\n', ' '));
                }
            }
        }
        Optional<WheelLock> wheels = Optional.empty();
        List<String> wheelProblems = new ArrayList<>();
        if (family.wheelLock().isPresent()) {
            Path file = wheelLock(fleetDirectory, family).orElseThrow();
            try {
                wheels = Optional.of(WheelLock.read(file));
            } catch (java.nio.file.NoSuchFileException e) {
                Path pinned = FamilyLocks.pinnedRequirements(file);
                wheelProblems.add(Files.isRegularFile(pinned)
                        ? "does not exist: the family's wheels are not hash-locked yet; make the lock from "
                                + fleetDirectory.relativize(pinned) + " with `lock` on a machine that "
                                + "reaches the indexes it names"
                        : "does not exist (wheel lock)");
            } catch (IOException e) {
                wheelProblems.add("cannot be read: " + e.getMessage());
            } catch (WheelProblems e) {
                e.problems().forEach(p -> wheelProblems.add("(wheel lock): " + p));
            }
        }
        return new FamilyPackages(family, debian, wheels, problems, wheelProblems);
    }

    public static Optional<Path> wheelLock(Path fleetDirectory, Family family) {
        return wheelLock(fleetDirectory, PackagedFamily.of(family));
    }

    public static Optional<Path> wheelLock(Path fleetDirectory, PackagedFamily family) {
        return family.wheelLock().map(lock -> fleetDirectory.resolve(lock).normalize());
    }

    /** Every family of {@code family}'s lineage, root first. */
    public static List<FamilyPackages> lineage(Family family, Path fleetDirectory) {
        return family.lineage().stream().map(f -> read(f, fleetDirectory)).toList();
    }

    /** The lineage as an image plan names it ({@code ImagePlan.packages()}), root first. */
    public static List<FamilyPackages> lineage(List<PackagedFamily> lineage, Path fleetDirectory) {
        return lineage.stream().map(f -> read(f, fleetDirectory)).toList();
    }

    public boolean installsAnything() {
        return family.installsAnything();
    }

    public List<LockedPackage> debianPackages() {
        return debian.map(DebianLock::packages).orElse(List.of());
    }

    /**
     * Where wheels go for this lineage: Debian's Python keeps {@code /usr/local/lib/python3.N/dist-packages} on
     * {@code sys.path} (not site-packages), with {@code /usr/bin/python3} as the interpreter.
     */
    public static Optional<WheelTarget> wheelTarget(List<FamilyPackages> lineage) {
        for (FamilyPackages f : lineage) {
            for (LockedPackage p : f.debianPackages()) {
                Matcher m = PYTHON.matcher(p.name());
                if (m.matches()) {
                    String version = m.group(1);
                    return Optional.of(WheelTarget.usrLocal(version)
                            .withSitePackages("/usr/local/lib/python" + version + "/dist-packages"));
                }
            }
        }
        return Optional.empty();
    }
}
