package dev.slipway.runner;

import dev.slipway.dsl.FleetSpec;
import dev.slipway.plan.BuildIdentity;
import dev.slipway.plan.Instance;
import dev.slipway.plan.Wave;
import dev.slipway.rollout.DesiredFleet;
import dev.slipway.rollout.engine.ConnectedHosts;
import dev.slipway.validation.Fleet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Build and push every image, then roll the fleet out on its machines: deploy lock on every "
                + "host, pre-pull, canary wave on the canary machine, then batches; each instance cut over behind "
                + "a health gate (GET /health -> 200 {\"status\":\"ok\"} within the start period), a failed wave "
                + "rolled back. Appends one line to the audit log.",
                "With no host configured: builds to local OCI output and prints the rollout it would carry out.",
                "Exit codes: 0 done (or nothing to do), 1 refused before anything changed, 3 rollout failed and "
                        + "rolled back."})
final class ApplyCommand implements Callable<Integer> {
    @Mixin
    FleetOptions options;

    @Mixin
    HostsOptions hosts;

    @Mixin
    RolloutOptions rollout;

    @Option(names = "--skip-build", description = "Do not build or push; roll out images already in the registry.")
    boolean skipBuild;

    @Option(names = "--registry", paramLabel = "HOST[:PORT]/ORG",
            description = "Push to and pull from this registry; replaces the fleet's registry in every image name.")
    String registry;

    @Option(names = "--insecure", description = "Allow plain HTTP to --registry; only for a registry on loopback.")
    boolean insecure;

    @Option(names = "--tag", paramLabel = "TAG",
            description = "Image tag. Default: YYYYMMDD-<short sha> of the definition's git HEAD commit.")
    String tag;

    @Option(names = "--out", paramLabel = "DIR",
            description = "With no host configured: where the local OCI output goes. Default: target/slipway.")
    Path out;

    @Option(names = "--cache", paramLabel = "DIR", description = "Slipway's layer cache (see build --help).")
    Path cache;

    @Option(names = "--parallel", paramLabel = "N", description = "Images built at once (see build --help).")
    Integer parallel;

    @Option(names = "--require-signed", paramLabel = "PUB",
            description = "Refuse, before any change on a host, every image not signed by this public key "
                    + "(cosign format, see verify --help): a PEM file or env://VARIABLE.")
    String requireSigned;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        FleetSource source = options.load(BuildCommand.slipwayCache(cache));
        FleetSpec fleetSpec = registry == null ? source.spec() : source.spec().registry(registry);
        Fleet fleet = new FleetSource(fleetSpec, source.directory(), source.origin()).compile();
        BuildIdentity build = GitRevision.of(source.directory(), Optional.ofNullable(tag));
        DesiredFleet desired = DesiredFleet.of(fleet, build, rollout.batchSize(fleet));
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        if (!hosts.configured()) {
            if (out != null && registry != null) {
                throw new UserError("--out and --registry exclude each other without a host: --out is the local "
                        + "OCI output used when no host is configured");
            }
            if (!skipBuild) {
                build(null, false, out);
            }
            stdout.println("No host configured (--host or --hosts-file): "
                    + (skipBuild ? "nothing was built, " : "images were built to local OCI output, ")
                    + "nothing was rolled out. The rollout it would carry out:");
            printWaves(desired, stdout);
            stdout.flush();
            return 0;
        }
        if (out != null) {
            throw new UserError("--out is the local OCI output for a run without hosts; with hosts, images are pushed");
        }
        try (ConnectedHosts connected = hosts.connect(fleet, desired)) {
            if (!skipBuild) {
                build(registry == null ? fleet.registry() : registry, insecure, null);
            }
            if (requireSigned != null) {
                RequiredSignatures.require(requireSigned, desired.instances().stream()
                        .map(i -> i.instance().image()).distinct().toList(), insecure);
            }
            return rollout.roll("apply", desired, connected, stdout, stderr);
        }
    }

    /** Runs the build command itself, so apply builds exactly as {@code build} does; stops on its failure. */
    private void build(String pushTo, boolean allowHttp, Path outDir) {
        List<String> args = new ArrayList<>(List.of("build", "--fleet", options.fleet));
        if (options.directory != null) {
            args.addAll(List.of("--dir", options.directory.toString()));
        }
        if (tag != null) {
            args.addAll(List.of("--tag", tag));
        }
        if (pushTo != null) {
            args.addAll(List.of("--registry", pushTo));
        }
        if (allowHttp) {
            args.add("--insecure");
        }
        if (outDir != null) {
            args.addAll(List.of("--out", outDir.toString()));
        }
        if (cache != null) {
            args.addAll(List.of("--cache", cache.toString()));
        }
        if (parallel != null) {
            args.addAll(List.of("--parallel", parallel.toString()));
        }
        CommandLine cli = Main.commandLine();
        cli.setOut(spec.commandLine().getOut());
        cli.setErr(spec.commandLine().getErr());
        if (cli.execute(args.toArray(String[]::new)) != 0) {
            throw new UserError("apply: the build failed (above); nothing was rolled out.");
        }
    }

    static void printWaves(DesiredFleet desired, PrintWriter out) {
        out.printf("  canary on %s, then batches of %d; every instance would be created%n",
                desired.plan().canaryMachine(), desired.plan().batchSize());
        for (Wave wave : desired.plan().waves()) {
            out.printf("  wave %d (%s): %s%n", wave.number(), wave.kind().name().toLowerCase(Locale.ROOT),
                    wave.instances().stream().map(Instance::id).collect(Collectors.joining(", ")));
        }
    }
}
