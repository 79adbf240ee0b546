package dev.slipway.runner;

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
import dev.slipway.images.packages.PackagedBaseWriter;
import dev.slipway.plan.FleetPlan;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds every image of a planned fleet towards a target and prints progress as it happens, then the table of
 * images, the SBOM (and, with --sign, the signature) attached beside every pushed image, and what the build had
 * to do. {@code build} runs it; {@code apply} calls it before rolling out. A failure
 * is a {@link UserError} naming every image that failed; nothing is tagged for those.
 */
final class ImageBuild {
    private final PrintWriter out;
    private final PrintWriter err;

    ImageBuild(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    BuildReport run(PlanOptions.PlannedFleet planned, BuildTarget target, BuildOptions options, SlipwayCache cache) {
        FleetPlan plan = planned.plan();
        BuildRequest request = new BuildRequest(plan.images(), planned.directory(), target, cache,
                RegistryCredentials.fromEnvironment(System.getenv()), options.parallelism());
        out.printf("Building %d images of fleet %s, tag %s, %s%n", plan.images().size(), plan.fleet(), plan.tag(),
                describe(target, plan));
        out.flush();
        long started = System.nanoTime();
        BuildReport report;
        PackagedBaseWriter packaged = new PackagedBaseWriter(options.packageSources.sources(),
                (target instanceof BuildTarget.Tarballs t ? t.directory() : BuildOptions.DEFAULT_OUT).resolve("sbom"),
                options.compression(target));
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
                            ? "; no tag was pushed for a failed image"
                            : "; images.json was not written")
                    + ".");
            throw new UserError(lines);
        }
        printTable(report);
        if (target instanceof BuildTarget.Registry registry) {
            PushedArtifactsPrinter.attach(report, packaged, options.signingKey(target), registry.insecure(),
                    options.parallelism(), cache, out);
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
        out.flush();
        err.flush();
        return report;
    }

    private static String describe(BuildTarget target, FleetPlan plan) {
        return target instanceof BuildTarget.Tarballs tarballs
                ? "into " + tarballs.directory()
                : "pushing to " + plan.registry() + (((BuildTarget.Registry) target).insecure()
                        ? " (plain HTTP allowed)"
                        : "");
    }

    private void printTable(BuildReport report) {
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
