package dev.slipway.runner;

import dev.slipway.dsl.FleetSpec;
import dev.slipway.images.SlipwayCache;
import dev.slipway.plan.BuildIdentity;
import dev.slipway.plan.FleetPlan;
import dev.slipway.plan.FleetPlanner;
import dev.slipway.validation.Fleet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What every command that plans shares, and the one pipeline it runs: load the definition, put {@code --registry}
 * in place of the fleet's, validate, identify the build (tag and revision), plan. Each happens once per command;
 * what comes out, a {@link PlannedFleet}, is all the later steps read.
 */
final class PlanOptions {
    private static final Pattern REGISTRY = Pattern.compile("[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[a-z0-9._-]+)+");
    @Mixin
    FleetOptions fleet;

    @Option(names = "--registry", paramLabel = "HOST[:PORT]/ORG", description = "Replaces the fleet's registry in every image name: pushed to by build and apply, pulled "
            + "from by the hosts.")
    String registry;

    @Option(names = "--cache", paramLabel = "DIR", description = "Slipway's cache (layers, pushed images, compiled definitions). Default: $"
            + SlipwayCache.ENVIRONMENT_VARIABLE + ", else ~/.cache/slipway.")
    Path cache;

    /** A validated fleet and its plan for one build identity. */
    record PlannedFleet(FleetSource source, Fleet fleet, FleetPlan plan) {
        Path directory() {
            return source.directory();
        }
    }

    SlipwayCache cache() {
        if (cache != null && java.nio.file.Files.exists(cache) && !java.nio.file.Files.isDirectory(cache)) {
            throw new UserError("--cache: " + cache + " is not a directory");
        }
        return cache == null ? SlipwayCache.fromEnvironment(System.getenv()) : new SlipwayCache(cache);
    }

    /** {@code --registry}, checked: {@code HOST[:PORT]/ORG}. */
    Optional<String> registry() {
        if (registry != null && !REGISTRY.matcher(registry).matches()) {
            throw new UserError("--registry: '" + registry + "' is not HOST[:PORT]/ORG (e.g. ghcr.io/acme or "
                    + "127.0.0.1:5000/slipway)");
        }
        return Optional.ofNullable(registry);
    }

    /** A tag option's value is checked before the definition is even loaded: bad input stops at the edge. */
    private static void checkedTag(String option, String tag) {
        try {
            new BuildIdentity(tag, "unknown");
        } catch (IllegalArgumentException e) {
            throw new UserError(option + ": " + e.getMessage());
        }
    }

    /**
     * Loads, overrides, validates, identifies and plans. {@code tag} overrides the git-derived tag ({@code option}
     * names it in errors); {@code batchSize} the fleet's own. {@code progress}, when given, hears where the
     * definition came from.
     */
    PlannedFleet plan(String option, Optional<String> tag, OptionalInt batchSize, Optional<PrintWriter> progress) {
        Optional<String> override = registry();
        tag.ifPresent(t -> checkedTag(option, t));
        FleetSource source = fleet.load(cache());
        progress.ifPresent(out -> {
            out.println("Definition " + source.origin() + " (" + source.provenance() + ")");
            out.flush();
        });
        FleetSpec spec = override.map(r -> source.spec().registry(r)).orElse(source.spec());
        Fleet compiled = new FleetSource(spec, source.directory(), source.origin(), source.provenance()).compile();
        BuildIdentity build;
        try {
            build = GitRevision.of(source.directory(), tag);
        } catch (IllegalArgumentException e) {
            throw new UserError(option + ": " + e.getMessage());
        }
        int batch = batchSize.orElse(compiled.rollout().batchSize());
        return new PlannedFleet(source, compiled, FleetPlanner.plan(compiled, build, batch));
    }
}
