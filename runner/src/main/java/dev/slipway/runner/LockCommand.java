package dev.slipway.runner;

import dev.slipway.images.packages.FleetLocker;
import dev.slipway.images.packages.PackageSources;
import dev.slipway.packages.debian.IndexRefusedException;
import dev.slipway.packages.debian.PackageProblem;
import dev.slipway.packages.debian.PackageProblems;
import dev.slipway.validation.Fleet;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "lock", mixinStandardHelpOptions = true,
        description = {"Resolve the Debian packages of every family (Depends and Pre-Depends, alternatives, virtual "
                + "packages, version constraints) from the mirror's Packages index and write "
                + "<fleet dir>/locks/<family>.debian.lock: name, version, architecture, size, SHA-256, file.",
                "A child family locks only what its parents lack. Re-running on the same index rewrites nothing; "
                        + "`build` installs only what the locks say."})
final class LockCommand implements Callable<Integer> {

    @Mixin
    FleetOptions options;

    @Mixin
    PackageSourceOptions packageSources;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        FleetSource source = options.load();
        Fleet fleet = source.compile();
        PackageSources sources = packageSources.sources();
        if (fleet.families().stream().noneMatch(f -> f.debian().isPresent())) {
            spec.commandLine().getOut().printf("fleet %s: no family installs Debian packages; nothing to lock%n",
                    fleet.name());
            return 0;
        }
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
        PrintWriter out = spec.commandLine().getOut();
        for (FleetLocker.LockedFamily locked : locks) {
            Path file = source.directory().relativize(locked.file());
            out.printf("%-24s %3d packages  %s%s%n", locked.family().name(), locked.lock().packages().size(), file,
                    changed.contains(locked.file()) ? "" : "  (unchanged)");
        }
        out.printf("locked %d families from %s (%s)%n", locks.size(), sources.debianMirror().get(), locks.stream()
                .map(l -> l.lock().provenance().isSigned() ? "index signed by "
                        + String.join(", ", l.lock().provenance().fingerprints()) : "index unsigned")
                .distinct().collect(java.util.stream.Collectors.joining("; ")));
        return 0;
    }
}
