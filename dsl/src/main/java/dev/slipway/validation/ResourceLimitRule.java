package dev.slipway.validation;

import dev.slipway.dsl.Family;
import dev.slipway.dsl.FleetSpec;
import dev.slipway.dsl.RuntimeSettings;
import dev.slipway.dsl.Service;
import dev.slipway.model.DataSize;
import dev.slipway.model.Ulimit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/** Shared memory, memory and CPU limits and ulimits, on services and as family defaults, are values Docker accepts. */
final class ResourceLimitRule implements Rule {
    /** Docker refuses a smaller memory limit. */
    static final DataSize MIN_MEMORY = DataSize.ofMiB(6);
    /** The names {@code docker run --ulimit} knows. */
    static final Set<String> ULIMITS = Set.of("core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice",
            "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack");

    @Override
    public void check(FleetSpec fleet, List<Problem> problems) {
        for (Service service : fleet.services()) {
            if (service.runtime().equals(RuntimeSettings.NONE)) {
                continue;
            }
            check(service.runtime(), (field, message) -> problems.add(Problem.service(service.name(), field, message)));
        }
        Set<String> seen = new HashSet<>();
        List<Family> families = new java.util.ArrayList<>(fleet.families());
        fleet.services().forEach(s -> families.add(s.family()));
        for (Family declared : families) {
            // each family once, parents included, without building a lineage per service
            for (java.util.Optional<Family> f = java.util.Optional.of(declared); f.isPresent() && seen.add(f.get()
                    .name()); f = f.get().parent()) {
                Family family = f.get();
                if (!family.runtimeDefaults().equals(RuntimeSettings.NONE)) {
                    check(family.runtimeDefaults(),
                            (field, message) -> problems.add(Problem.family(family.name(), field, message)));
                }
            }
        }
    }

    private static void check(RuntimeSettings settings, BiConsumer<String, String> report) {
        settings.shmSize().filter(size -> size.bytes() == 0)
                .ifPresent(size -> report.accept("shmSize", "0 bytes; expected a size above zero, e.g. 2 GiB"));
        settings.memory().filter(limit -> limit.compareTo(MIN_MEMORY) < 0).ifPresent(limit -> report.accept("memory",
                limit.bytes() + " bytes is below Docker's minimum; expected at least " + MIN_MEMORY));
        settings.cpus().filter(cpus -> !(cpus > 0) || cpus.isInfinite()).ifPresent(cpus -> report.accept("cpus",
                cpus + "; expected a number of CPUs above zero, e.g. 2.5"));
        Set<String> seen = settings.ulimits().isEmpty() ? Set.of() : new HashSet<>();
        for (Ulimit ulimit : settings.ulimits()) {
            if (!ULIMITS.contains(ulimit.name())) {
                report.accept("ulimit", "'" + ulimit.name() + "' is not a ulimit; expected one of "
                        + String.join(", ", new java.util.TreeSet<>(ULIMITS)));
            }
            if (ulimit.soft() < -1 || ulimit.hard() < -1 || (ulimit.hard() != -1
                    && (ulimit.soft() == -1 || ulimit.soft() > ulimit.hard()))) {
                report.accept("ulimit", ulimit + "; expected 0 <= soft <= hard (-1 is unlimited)");
            }
            if (!seen.add(ulimit.name())) {
                report.accept("ulimit", ulimit.name() + " is set twice; expected once");
            }
        }
        settings.logs().ifPresent(logs -> {
            if (logs.maxSize().bytes() < 1024) {
                report.accept("logs", "max size " + logs.maxSize().bytes() + " bytes; expected at least 1 KiB");
            }
            if (logs.maxFiles() < 1) {
                report.accept("logs", logs.maxFiles() + " files; expected at least 1");
            }
        });
    }
}
