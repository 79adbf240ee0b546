package dev.slipway.runner;

import dev.slipway.images.RegistryCredentials;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "build", mixinStandardHelpOptions = true, description = {
        "Build every family and service image with jib-core (no Docker daemon), reproducibly: ",
        "families first, then services on them; independent images in parallel.",
        "Writes docker-load tarballs and images.json to --out (default target/slipway), or pushes to "
                + "--registry. Registry credentials: " + RegistryCredentials.USERNAME_VARIABLE + "/"
                + RegistryCredentials.PASSWORD_VARIABLE + ", else ~/.docker/config.json and its helpers.",
        "A pushed image gets its CycloneDX SBOM beside it (sha256-<digest>.sbom, see sbom --help) and, "
                + "with --sign KEY, its cosign signature (sha256-<digest>.sig, see verify --help).",
        "Exit codes: 0 built, 1 failed (invalid fleet, bad option value, a failed image or registry; "
                + "every problem printed; no tag pushed for a failed image), 2 usage error."})
final class BuildCommand implements Callable<Integer> {
    @Mixin
    PlanOptions planning;

    @Mixin
    TagOption tag;

    @Mixin
    BuildOptions build;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var target = build.target(planning.registry());
        build.parallelism();
        build.signingKey(target);
        build.compression(target);
        build.packageSources.sources();
        var out = spec.commandLine().getOut();
        var planned = planning.plan("--tag", tag.tag(), OptionalInt.empty(), java.util.Optional.of(out));
        new ImageBuild(out, spec.commandLine().getErr()).run(planned, target, build, planning.cache());
        return 0;
    }
}
