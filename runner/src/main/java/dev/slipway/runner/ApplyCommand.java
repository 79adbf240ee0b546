package dev.slipway.runner;

import dev.slipway.images.BuildTarget;
import dev.slipway.rollout.DesiredFleet;
import dev.slipway.rollout.engine.ConnectedHosts;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "apply", mixinStandardHelpOptions = true, description = {
        "Build and push every image, then roll the fleet out on its machines: deploy lock on every "
                + "host, pre-pull, canary wave on the canary machine, then batches; each instance cut over behind "
                + "a health gate (GET on the health check's path -> 200 {\"status\":\"ok\"} within the start "
                + "period), a failed wave rolled back. Appends one line to the audit log.",
        "With no host configured: builds to local OCI output and prints the rollout it would carry out.",
        "With --require-signed PUB, every image of the rollout must carry a cosign signature by that key "
                + "(build --sign, or apply --sign) before any host is changed.",
        "With --compression zstd, every host (or swarm node) must run Docker Engine 23 or newer; that is "
                + "checked before anything is built.",
        "Exit codes: 0 done (or nothing to do), 1 refused before anything changed (invalid fleet, bad "
                + "option value, failed build, unreachable host or manager, lock held, an engine too old for "
                + "--compression zstd, image not in the registry or not "
                + "signed as --require-signed says), "
                + "2 usage error, 3 rollout failed after something changed (its wave rolled back)."})
final class ApplyCommand implements Callable<Integer> {
    @Mixin
    PlanOptions planning;

    @Mixin
    TagOption tag;

    @Mixin
    BuildOptions build;

    @Mixin
    HostsOptions hosts;

    @Mixin
    RolloutOptions rollout;

    @Mixin
    SwarmOptions swarm;

    @Option(names = "--skip-build", description = "Do not build or push; roll out images already in the registry.")
    boolean skipBuild;

    @Option(names = "--require-signed", paramLabel = "PUB", description = "Refuse, before any change on a host or the swarm, every image not signed by this public key "
            + "(cosign format, see verify --help): a PEM file or env://VARIABLE.")
    String requireSigned;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        if (swarm.configured() && hosts.configured()) {
            throw new UserError("--swarm and --host/--hosts-file exclude each other: a swarm places the services");
        }
        if (!hosts.configured() && !swarm.configured() && build.out != null && planning.registry().isPresent()) {
            throw new UserError("--out and --registry exclude each other without a host: --out is the local "
                    + "OCI output used when no host is configured");
        }
        if ((hosts.configured() || swarm.configured()) && build.out != null) {
            throw new UserError("--out is the local OCI output for a run without hosts; with "
                    + (swarm.configured() ? "--swarm" : "hosts") + ", images are pushed");
        }
        boolean pushes = hosts.configured() || swarm.configured();
        var target = pushes ? null : build.target(Optional.empty());
        rollout.stopGrace();
        build.parallelism();
        build.packageSources.sources();
        if (build.sign != null && skipBuild) {
            throw new UserError("--sign signs the images apply builds, and --skip-build builds none");
        }
        build.signingKey(pushes ? BuildTarget.registry(build.insecure) : target);
        var compression = build.compression(pushes ? BuildTarget.registry(build.insecure) : target);
        Optional<RequiredSignatures> required = RequiredSignatures.of(requireSigned);
        if (swarm.configured()) {
            return SwarmApply.run(swarm, planning, tag, build, rollout, skipBuild, required, stdout, stderr);
        }
        hosts.check();
        var planned = planning.plan("--tag", tag.tag(), rollout.batch.batchSize(), Optional.of(stdout));
        DesiredFleet desired = DesiredFleet.of(planned.plan());
        var secrets = hosts.configured() ? rollout.secrets(planned.plan()) : null;
        ImageBuild images = new ImageBuild(stdout, stderr);
        if (!hosts.configured()) {
            if (!skipBuild) {
                images.run(planned, target, build, planning.cache());
            }
            stdout.println("No host configured (--host or --hosts-file): "
                    + (skipBuild ? "nothing was built, " : "images were built to local OCI output, ")
                    + "nothing was rolled out. The rollout it would carry out:");
            RolloutPrinter.printWaves(planned.plan().rollout(), "every instance would be created", stdout);
            stdout.flush();
            return 0;
        }
        try (ConnectedHosts connected = hosts.connect(planned.fleet(), desired)) {
            RolloutRun.checkHosts(desired, connected, compression);
            if (!skipBuild) {
                try {
                    images.run(planned, build.target(Optional.of(planned.plan().registry())), build,
                            planning.cache());
                } catch (UserError e) {
                    throw e.followedBy("apply: the build failed; nothing was rolled out.");
                }
            }
            required.ifPresent(r -> r.require(planned.plan(), build.insecure));
            return new RolloutRun(rollout, stdout, stderr).run("apply", desired, connected, secrets);
        }
    }
}
