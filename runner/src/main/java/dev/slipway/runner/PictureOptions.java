package dev.slipway.runner;

import dev.slipway.render.BuildOutput;
import dev.slipway.render.DotGraph;
import dev.slipway.render.FamilyContents;
import dev.slipway.render.FleetPicture;
import dev.slipway.render.HtmlPage;
import dev.slipway.rollout.LivePlan;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code plan --html/--dot}: pictures of the plan, drawn by the render module from what was planned once. */
final class PictureOptions {
    @Option(names = "--html", paramLabel = "FILE", description = "Write the plan as one self-contained HTML page: family tree, ports and GPU budget per "
            + "machine, rollout waves (coloured by --host/--hosts-file's live plan). Same input, same bytes.")
    Path html;

    @Option(names = "--dot", paramLabel = "FILE", description = "Write the family tree and the rollout waves as a Graphviz digraph (dot -Tsvg FILE).")
    Path dot;

    @Option(names = "--build-output", paramLabel = "DIR", description = "With --html/--dot: the directory a `build --out DIR` wrote; its images.json and "
            + "tarballs give digests and layer sizes.")
    Path buildOutput;

    boolean requested() {
        return html != null || dot != null;
    }

    /** Refuses what cannot work before anything is planned or a host is asked. */
    void check() {
        if (!requested() && buildOutput != null) {
            throw new UserError("--build-output: only used with --html or --dot");
        }
        checkDirectory("--html", html);
        checkDirectory("--dot", dot);
    }

    private static void checkDirectory(String option, Path file) {
        if (file != null && !Files.isDirectory(file.toAbsolutePath().normalize().getParent())) {
            throw new UserError(option + ": cannot write " + file.toAbsolutePath().normalize() + ": directory "
                    + file.toAbsolutePath().normalize().getParent() + " does not exist");
        }
    }

    void write(PlanOptions.PlannedFleet planned, Optional<LivePlan> live, PrintWriter out) {
        if (!requested()) {
            return;
        }
        Optional<BuildOutput> build;
        try {
            build = Optional.ofNullable(buildOutput).map(BuildOutput::read);
        } catch (IllegalArgumentException e) {
            throw new UserError("--build-output: " + e.getMessage());
        }
        FleetPicture picture = new FleetPicture(planned.plan(), live, build,
                FamilyContents.read(planned.plan(), planned.directory()));
        if (html != null) {
            writeFile("--html", html, HtmlPage.render(picture), out);
        }
        if (dot != null) {
            writeFile("--dot", dot, DotGraph.render(picture), out);
        }
    }

    /** Written beside the target and moved over it, so a reader never sees half a page. */
    private static void writeFile(String option, Path file, String text, PrintWriter out) {
        Path target = file.toAbsolutePath().normalize();
        Path partial = target.resolveSibling("." + target.getFileName() + ".partial");
        try {
            Files.writeString(partial, text, StandardCharsets.UTF_8);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // the message below names the real problem
            }
            throw new UserError(option + ": cannot write " + target + ": " + e.getMessage());
        }
        out.println("Wrote " + target);
    }
}
