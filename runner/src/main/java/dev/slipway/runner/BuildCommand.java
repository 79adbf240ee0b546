package dev.slipway.runner;

import dev.slipway.dsl.FleetSpec;
import dev.slipway.images.BuildReport;
import dev.slipway.images.BuildRequest;
import dev.slipway.images.BuildTarget;
import dev.slipway.images.BuiltImage;
import dev.slipway.images.FleetBuildException;
import dev.slipway.images.FleetImageBuilder;
import dev.slipway.images.ImageFailure;
import dev.slipway.images.ImageIndex;
import dev.slipway.images.ImageWork;
import dev.slipway.images.InputProblem;
import dev.slipway.images.InvalidBuildInputException;
import dev.slipway.images.RegistryCredentials;
import dev.slipway.images.SlipwayCache;
import dev.slipway.images.packages.PackagedBaseStep;
import dev.slipway.images.supplychain.SigningKeys;
import dev.slipway.plan.BuildIdentity;
import dev.slipway.plan.ImagePlan;
import dev.slipway.plan.ImagePlanner;
import dev.slipway.validation.Fleet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "build", mixinStandardHelpOptions = true,
        description = {"Build every family and service image with jib-core (no Docker daemon), reproducibly: ",
                "families first, then services on them; independent images in parallel.",
                "Writes docker-load tarballs and images.json to --out (default target/slipway), or pushes to "
                        + "--registry. Registry credentials: " + RegistryCredentials.USERNAME_VARIABLE + "/"
                        + RegistryCredentials.PASSWORD_VARIABLE + ", else ~/.docker/config.json and its helpers."})
final class BuildCommand implements Callable<Integer> {
    static final Path DEFAULT_OUT = Path.of("target", "slipway");
    private static final Pattern REGISTRY = Pattern.compile("[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[a-z0-9._-]+)+");
    private static final Pattern LOOPBACK = Pattern.compile("(localhost|127(\\.[0-9]{1,3}){3}|\\[::1\\])(:[0-9]+)?");

    @Mixin
    FleetOptions options;

    @Mixin
    PackageSourceOptions packageSources;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Write image tarballs and images.json here. Default (without --registry): target/slipway.")
    Path out;

    @Option(names = "--registry", paramLabel = "HOST[:PORT]/ORG",
            description = "Push to this registry instead of writing tarballs; replaces the fleet's registry in "
                    + "every image name.")
    String registry;

    @Option(names = "--insecure", description = "Allow plain HTTP to --registry; only for a registry on loopback.")
    boolean insecure;

    @Option(names = "--tag", paramLabel = "TAG",
            description = "Image tag. Default: YYYYMMDD-<short sha> of the definition's git HEAD commit.")
    String tag;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "Slipway's layer cache. Default: $" + SlipwayCache.ENVIRONMENT_VARIABLE
                    + ", else ~/.cache/slipway.")
    Path cache;

    @Option(names = "--parallel", paramLabel = "N",
            description = "Images built at once. Default: the number of processors.")
    Integer parallel;

    @Option(names = "--sign", paramLabel = "KEY",
            description = "With --registry: sign each pushed manifest digest in cosign's key-based format "
                    + "(sha256-<digest>.sig). KEY: an ECDSA P-256 private key in PEM (openssl ecparam -name "
                    + "prime256v1 -genkey, or PKCS#8), a file or env://VARIABLE; never printed.")
    String sign;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        BuildTarget target = target();
        Optional<SigningKeys.SigningKey> signingKey = signingKey(target);
        SlipwayCache slipwayCache = slipwayCache(cache);
        FleetSource source = options.load(slipwayCache);
        FleetSpec fleetSpec = registry == null ? source.spec() : source.spec().registry(registry);
        Fleet fleet = new FleetSource(fleetSpec, source.directory(), source.origin()).compile();
        BuildIdentity build = GitRevision.of(source.directory(), Optional.ofNullable(tag));
        List<ImagePlan> plans = ImagePlanner.plan(fleet, build);
        int parallelism = parallel == null ? Runtime.getRuntime().availableProcessors() : parallel;
        if (parallelism < 1) {
            throw new UserError("--parallel: " + parallelism + " is not positive; expected 1 or more");
        }
        BuildRequest request = new BuildRequest(fleet, plans, source.directory(), target, slipwayCache,
                RegistryCredentials.fromEnvironment(System.getenv()), parallelism);

        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        out.printf("Building %d images of fleet %s, tag %s, %s%n", plans.size(), fleet.name(), build.tag(),
                describe(target));
        out.flush();
        long started = System.nanoTime();
        BuildReport report;
        PackagedBaseStep packaged = new PackagedBaseStep(packageSources.sources(),
                (target instanceof BuildTarget.Tarballs t ? t.directory() : DEFAULT_OUT).resolve("sbom"));
        try {
            report = new FleetImageBuilder().withPackages(packaged).build(request, new ProgressPrinter(out));
        } catch (InvalidBuildInputException e) {
            List<String> lines = new ArrayList<>(e.problems().stream().map(InputProblem::toString).toList());
            lines.add(e.problems().size() + " problem(s); nothing was built.");
            throw new UserError(lines);
        } catch (FleetBuildException e) {
            List<String> lines = new ArrayList<>(e.failures().stream().map(ImageFailure::toString).toList());
            lines.add(e.failures().size() + " image(s) failed, " + e.built().size() + " built"
                    + (target instanceof BuildTarget.Registry
                            ? "; no tag was pushed for a failed image" : "; images.json was not written") + ".");
            throw new UserError(lines);
        }
        printTable(report, out);
        if (target instanceof BuildTarget.Registry) {
            PushedArtifactsPrinter.attach(report, packaged, signingKey, insecure, parallelism, out);
        }
        ImageWork work = report.totalWork();
        double seconds = (System.nanoTime() - started) / 1e9;
        if (target instanceof BuildTarget.Tarballs tarballs) {
            out.printf("%d images in %.1f s: %d layers built%n", report.images().size(), seconds, work.layersBuilt());
            out.printf("wrote %s%n", tarballs.directory().resolve(ImageIndex.FILE_NAME));
        } else {
            out.printf("%d images in %.1f s: %d up to date, %d layers built, %d blobs pushed (%s), %d mounted, "
                    + "%d already in the registry%n", report.images().size(), seconds, report.upToDate(),
                    work.layersBuilt(), work.blobsPushed(), ProgressPrinter.bytes(work.bytesTransferred()),
                    work.blobsMounted(), work.blobsSkipped());
        }
        err.flush();
        return 0;
    }

    /** {@code --cache}, else the environment's: the layer caches and the compiled definitions live there. */
    static SlipwayCache slipwayCache(Path cache) {
        return cache == null ? SlipwayCache.fromEnvironment(System.getenv()) : new SlipwayCache(cache);
    }

    /** The --sign key, read before any work so a bad key costs nothing; only for a registry build. */
    private Optional<SigningKeys.SigningKey> signingKey(BuildTarget target) {
        if (sign == null) {
            return Optional.empty();
        }
        if (!(target instanceof BuildTarget.Registry)) {
            throw new UserError("--sign signs pushed images: it needs --registry");
        }
        try {
            return Optional.of(SigningKeys.privateKey(sign, System.getenv()));
        } catch (SigningKeys.KeyProblem e) {
            throw new UserError("--sign: " + e.getMessage());
        }
    }

    private BuildTarget target() {
        if (registry != null && out != null) {
            throw new UserError("--out and --registry exclude each other: write tarballs or push, not both");
        }
        if (registry == null) {
            if (insecure) {
                throw new UserError("--insecure only applies to --registry");
            }
            return BuildTarget.tarballs(out == null ? DEFAULT_OUT : out);
        }
        if (!REGISTRY.matcher(registry).matches()) {
            throw new UserError("--registry: '" + registry + "' is not HOST[:PORT]/ORG (e.g. ghcr.io/acme or "
                    + "127.0.0.1:5000/slipway)");
        }
        String host = registry.substring(0, registry.indexOf('/'));
        if (insecure && !LOOPBACK.matcher(host).matches()) {
            throw new UserError("--insecure: " + host + " is not a loopback address; plain HTTP is only allowed "
                    + "to a registry on this machine (localhost, 127.x.x.x, [::1])");
        }
        return BuildTarget.registry(insecure);
    }

    private String describe(BuildTarget target) {
        return target instanceof BuildTarget.Tarballs tarballs
                ? "into " + tarballs.directory()
                : "pushing to " + registry + (insecure ? " (plain HTTP allowed)" : "");
    }

    private static void printTable(BuildReport report, PrintWriter out) {
        int width = report.images().stream().mapToInt(i -> i.image().length()).max().orElse(5);
        out.println();
        out.printf("%-" + width + "s  %-71s  %10s%n", "IMAGE", "DIGEST", "SIZE");
        for (BuiltImage image : report.images()) {
            out.printf("%-" + width + "s  %-71s  %10s%n", image.image(), image.digest(),
                    ProgressPrinter.bytes(image.size()));
        }
        out.println();
    }
}
