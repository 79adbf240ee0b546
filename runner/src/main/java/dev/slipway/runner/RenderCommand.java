package dev.slipway.runner;

import dev.slipway.images.ImageIndex;
import dev.slipway.plan.FleetPlan;
import dev.slipway.render.ImageDigests;
import dev.slipway.render.RenderRefused;
import dev.slipway.render.RenderedFile;
import dev.slipway.render.Rendering;
import dev.slipway.render.compose.ComposeRenderer;
import dev.slipway.render.kubernetes.KubernetesRenderer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code render kubernetes|compose}: the plan written for another engine; builds nothing, touches no host. */
@Command(name = "render", mixinStandardHelpOptions = true, description = "Write the fleet's plan for another engine: Kubernetes manifests or a Compose file for one "
        + "machine. Builds nothing and talks to no engine.", subcommands = {RenderCommand.Kubernetes.class,
                RenderCommand.Compose.class})
final class RenderCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** What both renderings read: the plan and the digests that pin its images. */
    static final class Inputs {
        @Mixin
        PlanOptions planning;

        @Mixin
        TagOption tag;

        @Option(names = "--images", paramLabel = "FILE", description = "images.json of `build --out`: pins every image it lists by digest.")
        Path images;

        @Option(names = "--digest", paramLabel = "IMAGE=sha256:...", description = "The digest of one image (as `build --registry` printed it); repeatable, wins over "
                + "--images.")
        List<String> digests = new ArrayList<>();

        FleetPlan plan() {
            return planning.plan("--tag", tag.tag(), OptionalInt.empty(), Optional.empty()).plan();
        }

        ImageDigests digests() {
            List<String> problems = new ArrayList<>();
            Map<String, String> byImage = new TreeMap<>();
            if (images != null) {
                try {
                    byImage.putAll(ImageIndex.read(images));
                } catch (IOException | RuntimeException e) {
                    problems.add("--images: cannot read " + images + ": " + e.getMessage());
                }
            }
            for (String digest : digests) {
                int equals = digest.lastIndexOf('=');
                if (equals <= 0) {
                    problems.add("--digest: '" + digest + "' is not IMAGE=sha256:...");
                } else {
                    byImage.put(digest.substring(0, equals), digest.substring(equals + 1));
                }
            }
            try {
                ImageDigests parsed = new ImageDigests(byImage);
                if (problems.isEmpty()) {
                    return parsed;
                }
            } catch (IllegalArgumentException e) {
                problems.add((images != null ? "--images/--digest: " : "--digest: ") + e.getMessage());
            }
            throw new UserError(problems);
        }

        /** Writes every file (each through a temporary file, so none is left half written) and prints warnings. */
        static void write(Rendering rendering, Path directory, PrintWriter out, PrintWriter err) {
            try {
                Files.createDirectories(directory);
                for (RenderedFile file : rendering.files()) {
                    Path target = directory.resolve(file.name());
                    Path partial = directory.resolve("." + file.name() + ".partial");
                    Files.write(partial, file.content());
                    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    out.println("wrote " + target);
                }
            } catch (IOException e) {
                throw new UserError("cannot write into " + directory + ": " + e.getMessage());
            }
            rendering.warnings().forEach(w -> err.println("warning: " + w));
            out.flush();
            err.flush();
        }
    }

    @Command(name = "kubernetes", mixinStandardHelpOptions = true, description = {
            "Kubernetes manifests (fabric8's model): a Deployment per service and machine "
                    + "(nodeSelector dev.slipway.machine=<machine>), a PersistentVolumeClaim per named volume and "
                    + "machine, a Service per service port, kustomization.yaml.",
            "Secrets are references to the Secret <fleet>-secrets, which you create (docs/render.md).",
            "Apply with `kubectl apply -k DIR -l dev.slipway.wave=1` (the canary), then `kubectl apply -k DIR`."})
    static final class Kubernetes implements Callable<Integer> {
        @Mixin
        Inputs inputs;

        @Option(names = "--out", paramLabel = "DIR", required = true, description = "Directory to write into.")
        Path out;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ImageDigests digests = inputs.digests();
            FleetPlan plan = inputs.plan();
            Rendering rendering;
            try {
                rendering = KubernetesRenderer.render(plan, digests);
            } catch (RenderRefused e) {
                throw refused(e);
            }
            Inputs.write(rendering, out, spec.commandLine().getOut(), spec.commandLine().getErr());
            warnAboutStaleManifests(rendering, out, spec.commandLine().getErr());
            return 0;
        }

        /** Manifests an earlier rendering wrote for instances no longer planned: named, never deleted. */
        private static void warnAboutStaleManifests(Rendering rendering, Path directory, PrintWriter err) {
            var rendered = rendering.files().stream().map(RenderedFile::name).collect(Collectors.toSet());
            try (Stream<Path> files = Files.list(directory)) {
                files.map(f -> f.getFileName().toString()).filter(STALE_CANDIDATE.asPredicate())
                        .filter(name -> !rendered.contains(name)).sorted()
                        .forEach(name -> err.println("warning: " + directory.resolve(name) + " is not part of this "
                                + "rendering and kustomization.yaml no longer lists it; delete it if it is stale"));
            } catch (IOException e) {
                err.println("warning: cannot list " + directory + ": " + e.getMessage());
            }
            err.flush();
        }
    }

    private static final Pattern STALE_CANDIDATE = Pattern.compile("^(deployment|pvc|service)-.*\\.yaml$");

    @Command(name = "compose", mixinStandardHelpOptions = true, description = {
            "A Compose file running one machine's services as the Docker hosts would (host network, "
                    + "the image's user, the plan's health check, restart unless-stopped, GPUs, shm, limits, "
                    + "ulimits, volumes, log rotation, depends_on).",
            "Secret files are read from $SLIPWAY_SECRETS_DIR/NAME, env secrets from the environment, when "
                    + "docker-compose runs; the file holds no value.",
            "Run with `docker-compose -f FILE up -d`; not on a machine `apply` manages (its images carry "
                    + "the fleet's labels, so apply would count these containers as its own)."})
    static final class Compose implements Callable<Integer> {
        @Mixin
        Inputs inputs;

        @Option(names = "--machine", paramLabel = "NAME", required = true, description = "The machine to render.")
        String machine;

        @Option(names = "--out", paramLabel = "FILE", required = true, description = "The Compose file to write.")
        Path out;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ImageDigests digests = inputs.digests();
            FleetPlan plan = inputs.plan();
            Rendering rendering;
            try {
                rendering = ComposeRenderer.render(plan, machine, digests, out.getFileName().toString());
            } catch (RenderRefused e) {
                throw refused(e);
            }
            Path directory = out.toAbsolutePath().getParent();
            Inputs.write(rendering, directory, spec.commandLine().getOut(), spec.commandLine().getErr());
            return 0;
        }
    }

    private static UserError refused(RenderRefused e) {
        List<String> lines = new ArrayList<>(e.problems());
        lines.add(e.problems().size() + " problem(s); nothing was written.");
        return new UserError(lines);
    }
}
