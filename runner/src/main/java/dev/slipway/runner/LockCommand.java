package dev.slipway.runner;

import dev.slipway.locks.FleetLocker;
import dev.slipway.locks.LockProblems;
import dev.slipway.locks.PackageSources;
import dev.slipway.locks.WheelFleetLocker;
import dev.slipway.packages.debian.IndexRefusedException;
import dev.slipway.packages.debian.PackageProblem;
import dev.slipway.packages.debian.PackageProblems;
import dev.slipway.validation.Fleet;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "lock", mixinStandardHelpOptions = true, description = {
        "Resolve the Debian packages of every family (Depends and Pre-Depends, alternatives, virtual "
                + "packages, version constraints) from the mirror's Packages index and write "
                + "<fleet dir>/locks/<family>.debian.lock: name, version, architecture, size, SHA-256, file.",
        "Then hash-lock every wheel family: from the fully pinned list beside its lock (x.requirements.txt "
                + "for x.requirements.lock), the wheel fitting the family's Python on linux x86_64 from the "
                + "indexes (--wheels, else the list's --index-url/--extra-index-url), its Requires-Dist "
                + "checked against the list and the lineage.",
        "A child family locks only what its parents lack. Re-running on the same index rewrites nothing; "
                + "`build` installs only what the locks say.",
        "Exit codes: 0 locked (or nothing to lock), 1 no lock written (invalid fleet, bad option value, "
                + "unresolvable package; every problem printed), 2 usage error."})
final class LockCommand implements Callable<Integer> {

    @Mixin
    FleetOptions options;

    @Mixin
    PackageSourceOptions packageSources;

    @Spec
    CommandSpec spec;

    @Option(names = "--debian-only", description = "Lock only the Debian packages; wheel families keep the locks "
            + "they have (for a machine that does not reach the wheel indexes).")
    boolean debianOnly;

    @Override
    public Integer call() {
        FleetSource source = options.load();
        Fleet fleet = source.compile();
        PackageSources sources = packageSources.sources();
        boolean debian = fleet.families().stream().anyMatch(f -> f.debian().isPresent());
        boolean wheels = fleet.families().stream().anyMatch(f -> f.wheelLock().isPresent());
        PrintWriter out = spec.commandLine().getOut();
        if (!debian && !wheels) {
            out.printf("fleet %s: no family installs Debian packages or wheels; nothing to lock%n", fleet.name());
            return 0;
        }
        if (debian) {
            lockDebian(fleet, source, sources, out);
        }
        if (!wheels) {
            return 0;
        }
        if (debianOnly) {
            fleet.families().stream().filter(f -> f.wheelLock().isPresent()).forEach(f -> out.printf(
                    "%-24s wheels not locked (--debian-only)%n", f.name()));
            return 0;
        }
        List<WheelFleetLocker.LockedWheels> locks;
        List<Path> changed;
        Path downloads = null;
        try {
            // wheels fetched only to be hashed or to read their METADATA; build fetches its own
            downloads = Files.createTempDirectory("slipway-lock-wheels");
            locks = new WheelFleetLocker(sources, downloads).resolve(fleet, source.directory());
            changed = WheelFleetLocker.write(locks);
        } catch (LockProblems e) {
            List<String> lines = new ArrayList<>(e.problems());
            lines.add(e.problems().size() + " problem(s); no wheel lock was written"
                    + (debian ? " (the Debian locks above were)." : "."));
            throw new UserError(lines);
        } catch (IOException e) {
            throw new UserError("cannot write the wheel locks: " + e.getMessage());
        } finally {
            deleteTree(downloads);
        }
        for (WheelFleetLocker.LockedWheels locked : locks) {
            out.printf("%-24s %3d wheels    %s%s%n", locked.family().name(), locked.wheels(),
                    source.directory().relativize(locked.file()),
                    changed.contains(locked.file()) ? "" : "  (unchanged)");
        }
        out.printf("locked the wheels of %d families%n", locks.size());
        return 0;
    }

    private void lockDebian(Fleet fleet, FleetSource source, PackageSources sources, PrintWriter out) {
        if (sources.debianMirror().isEmpty()) {
            throw new UserError("no Debian mirror configured: pass --debian-mirror URL|DIR or set "
                    + PackageSources.DEBIAN_MIRROR_VARIABLE);
        }
        List<FleetLocker.LockedFamily> locks;
        List<Path> changed;
        try {
            locks = new FleetLocker(sources).resolve(fleet, source.directory());
            changed = FleetLocker.write(locks);
        } catch (PackageProblems e) {
            List<String> lines = new ArrayList<>(e.problems().stream().map(PackageProblem::message).toList());
            lines.add(e.problems().size() + " problem(s); no lock was written.");
            throw new UserError(lines);
        } catch (IndexRefusedException e) {
            throw new UserError(List.of(e.getMessage(), "no lock was written."));
        } catch (IOException e) {
            throw new UserError("cannot read the Debian index at " + sources.debianMirror().get() + ": "
                    + e.getMessage());
        }
        for (FleetLocker.LockedFamily locked : locks) {
            Path file = source.directory().relativize(locked.file());
            out.printf("%-24s %3d packages  %s%s%n", locked.family().name(), locked.lock().packages().size(), file,
                    changed.contains(locked.file()) ? "" : "  (unchanged)");
        }
        out.printf("locked %d families from %s (%s)%n", locks.size(), sources.debianMirror().get(), locks.stream()
                .map(l -> l.lock().provenance().isSigned()
                        ? "index signed by "
                                + String.join(", ", l.lock().provenance().fingerprints())
                        : "index unsigned")
                .distinct().collect(java.util.stream.Collectors.joining("; ")));
    }

    private static void deleteTree(Path root) {
        if (root == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // a temporary directory left behind is not worth failing a lock that was written
        }
    }
}
