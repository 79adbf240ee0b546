package dev.slipway.images.packages;

import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.JibEvent;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import dev.slipway.dsl.Base;
import dev.slipway.dsl.DebianSuite;
import dev.slipway.images.AtomicFiles;
import dev.slipway.images.BuildRequest;
import dev.slipway.images.BuildTarget;
import dev.slipway.images.BuiltImage;
import dev.slipway.images.InputProblem;
import dev.slipway.images.Sha256;
import dev.slipway.images.progress.ProgressReporter;
import dev.slipway.images.steps.ChildImagePush;
import dev.slipway.images.steps.OutputStep;
import dev.slipway.images.steps.StepContext;
import dev.slipway.locks.FamilyLocks;
import dev.slipway.locks.FamilyPackages;
import dev.slipway.locks.PackageSources;
import dev.slipway.packages.debian.LockedPackage;
import dev.slipway.packages.layer.LayerCompression;
import dev.slipway.packages.python.WheelTarget;
import dev.slipway.plan.ImagePlan;
import dev.slipway.plan.LayerPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Families that install Debian packages or wheels get a base image Slipway writes itself, because Jib's file-entry
 * layers cannot carry setuid bits, hardlinks or ownership: the parent's image (or the root base) plus the family's
 * OS layer and Python layer, which Jib then builds on (env, labels, files, children, services). A registry build
 * pushes it by digest into the family's repository ({@link RegistryBase}); otherwise it is a {@code docker save}
 * tarball. Its config carries the plan's {@link ImagePlan#imageHealthCheck()}, which Jib passes on to every image
 * built on it. Every image whose lineage installs packages also gets a CycloneDX SBOM beside the image output,
 * referenced by the label {@value CycloneDxSbom#LABEL}.
 */
public final class PackagedBaseWriter {
    public static final String DEBIAN = "debian";
    public static final String WHEELS = "wheels";

    private final PackageSources sources;
    private final Path sbomDirectory;
    private final LayerCompression compression;

    public PackagedBaseWriter(PackageSources sources, Path sbomDirectory) {
        this(sources, sbomDirectory, LayerCompression.GZIP);
    }

    /**
     * With {@code compression} for the packaged layers of a base pushed to a registry ({@link RegistryBase}); a base
     * written as a {@code docker save} tarball has gzip layers whatever is asked.
     */
    public PackagedBaseWriter(PackageSources sources, Path sbomDirectory, LayerCompression compression) {
        this.sources = sources;
        this.sbomDirectory = sbomDirectory.toAbsolutePath().normalize();
        this.compression = compression;
    }

    /** The planned layer kinds written into the base image; Jib must not build them again. */
    public static boolean buildsIntoBase(LayerPlan layer) {
        return layer instanceof LayerPlan.Debian || layer instanceof LayerPlan.Wheels;
    }

    /** Where an image's SBOM goes: SBOM_DIR/families/NAME.cdx.json, SBOM_DIR/services/NAME.MACHINE.cdx.json. */
    public Path sbomPath(ImagePlan plan) {
        Path like = OutputStep.tarballPath(sbomDirectory, plan);
        String name = like.getFileName().toString();
        return like.resolveSibling(name.substring(0, name.length() - ".tar".length()) + ".cdx.json");
    }

    /**
     * A builder on a packaged base tarball, and what identifies that tarball: every input it is made of (where it
     * starts, the architecture, each packaged layer's diff ID), hashed.
     */
    public record Started(JibContainerBuilder builder, String identity, Optional<RegistryBase> registryBase) {
    }

    /**
     * For a family plan with packaged layers: writes (or reuses) its base tarball and returns a builder on it.
     * Empty for every other plan, which starts the usual way. With {@code pushes} (a registry build's pushes) a
     * family that starts from scratch or from a parent this build pushed gets its base as a {@link RegistryBase} in
     * its own repository instead, its packaged layers uploaded while they are written; it must then be pushed
     * before Jib runs.
     */
    public Optional<Started> from(ImagePlan plan, Optional<BuiltImage> parent, BuildRequest request,
            StepContext context, ProgressReporter events, Optional<ChildImagePush> pushes)
            throws IOException, InterruptedException {
        if (plan.kind() != ImagePlan.Kind.FAMILY
                || plan.layers().stream().noneMatch(PackagedBaseWriter::buildsIntoBase)) {
            return Optional.empty();
        }
        boolean scratch = parent.isEmpty() && plan.rootBase().filter(Base.Scratch.class::isInstance).isPresent();
        boolean pushedParent = parent.isPresent() && parent.get().tarball().isEmpty();
        Optional<LayerUploads> uploads = Optional.empty();
        if (pushes.isPresent() && request.target() instanceof BuildTarget.Registry && (scratch || pushedParent)) {
            uploads = Optional.of(new LayerUploads(pushes.get().registry(), parse(plan.image().text())));
        }
        List<FamilyPackages> lineage = FamilyPackages.lineage(plan.packages(), context.fleetDirectory());
        PackagedLayers packaged = new PackagedLayers(context.cache(), sources, context.fleetDirectory(), uploads,
                events::packaging, uploads.isPresent() ? compression : LayerCompression.GZIP);
        List<BaseArchive.Layer> layers = new ArrayList<>();
        FamilyPackages own = lineage.get(lineage.size() - 1);
        if (own.debian().isPresent()) {
            layers.add(packaged.osLayer(lineage));
        }
        if (own.wheels().isPresent()) {
            layers.add(packaged.wheelLayer(lineage, FamilyPackages.wheelTarget(lineage).orElseThrow()));
        }
        String architecture = plan.packages().stream().flatMap(f -> f.debianSuite().stream())
                .map(DebianSuite::architecture).findFirst().orElse("amd64");

        if (uploads.isPresent()) {
            String identity = identity(scratch ? "scratch" : parent.get().digest(), architecture, layers, plan);
            Path kept = context.cache().staging().resolve("registry-bases");
            ImageReference repository = parse(plan.image().text());
            Optional<RegistryBase> known = RegistryBase.kept(kept, identity, repository, layers, uploads.get());
            RegistryBase base;
            if (known.isPresent()) {
                base = known.get();
            } else {
                RegistryBase.Start start = scratch
                        ? RegistryBase.Start.scratch(architecture)
                        : RegistryBase.Start.of(pushes.get().base(parent.get()));
                base = RegistryBase.of(repository, start, layers, plan.imageHealthCheck(), uploads.get());
                base.keep(kept, identity);
            }
            ImageReference reference = parse(base.reference());
            RegistryImage image = request.credentials().attachTo(RegistryImage.named(reference), reference,
                    events::accept);
            return Optional.of(new Started(Jib.from(image), "packaged base " + identity, Optional.of(base)));
        }
        Starting starting = starting(plan, parent, request, context, events);
        String identity = identity(starting.identity, architecture, layers, plan);
        Path base = context.cache().staging().resolve("packaged-bases").resolve(identity + ".tar");
        if (!Files.isRegularFile(base)) {
            BaseArchive.write(starting.tarball, layers, architecture, plan.imageHealthCheck(), base);
        }
        return Optional.of(new Started(Jib.from(TarImage.at(base)), "packaged base " + identity, Optional.empty()));
    }

    /** What identifies a packaged base: where it starts, the architecture, its layers and its health check. */
    private static String identity(String start, String architecture, List<BaseArchive.Layer> layers,
            ImagePlan plan) {
        // v2: layers compressed by ParallelGzipOutputStream; a base tarball of v1's gzip bytes is not reused
        StringBuilder key = new StringBuilder("slipway packaged base v2\n").append(start).append('\n')
                .append(architecture).append('\n');
        layers.forEach(l -> key.append(l.diffId()).append(' ').append(l.createdBy())
                .append(l.compression() == LayerCompression.GZIP ? "" : " " + l.compression()).append('\n'));
        // a base written before the config carried a health check has no such line, so it is not reused
        key.append("healthcheck ").append(plan.imageHealthCheck().map(Object::toString).orElse("none")).append('\n');
        return Sha256.hex(key.toString());
    }

    private static ImageReference parse(String reference) throws IOException {
        try {
            return ImageReference.parse(reference);
        } catch (InvalidImageReferenceException e) {
            throw new IOException("not an image reference: " + reference, e);
        }
    }

    /** Writes the plan's SBOM and labels the image with its SHA-256; nothing for an image without packages. */
    public void addSbom(ImagePlan plan, JibContainerBuilder builder, StepContext context) throws IOException {
        if (!plan.installsPackages()) {
            return;
        }
        byte[] sbom = CycloneDxSbom.render(plan.image(),
                FamilyPackages.lineage(plan.packages(), context.fleetDirectory()));
        AtomicFiles.write(sbomPath(plan), sbom);
        builder.addLabel(CycloneDxSbom.LABEL, Sha256.hex(sbom));
    }

    /** What the family's packaged layers go on: a docker save tarball (none: scratch) and what identifies it. */
    private record Starting(Optional<Path> tarball, String identity) {
    }

    private Starting starting(ImagePlan plan, Optional<BuiltImage> parent, BuildRequest request, StepContext context,
            Consumer<JibEvent> events) throws IOException, InterruptedException {
        if (parent.isPresent()) {
            BuiltImage built = parent.get();
            if (built.tarball().isPresent()) {
                return new Starting(built.tarball(), built.digest());
            }
            return new Starting(Optional.of(export(built.pinnedReference(), request, context, events)), built.digest());
        }
        Base base = plan.rootBase().orElseThrow(() -> new IllegalStateException(
                plan.image() + " has neither a built parent image nor a root base"));
        if (base instanceof Base.Tarball tarball) {
            Path file = context.resolve(tarball.path());
            return new Starting(Optional.of(file), "tarball " + Sha256.hex(file));
        }
        if (base instanceof Base.RegistryImage registry) {
            String reference = registry.reference().text();
            return new Starting(Optional.of(export(reference, request, context, events)), reference);
        }
        return new Starting(Optional.empty(), "scratch");
    }

    /** An image in a registry, written as a docker save tarball by Jib (layers come through Jib's cache). */
    private static Path export(String reference, BuildRequest request, StepContext context, Consumer<JibEvent> events)
            throws IOException, InterruptedException {
        Path file = context.cache().staging().resolve("exported-bases").resolve(Sha256.hex(reference) + ".tar");
        if (Files.isRegularFile(file)) {
            return file;
        }
        Files.createDirectories(file.getParent());
        Path partial = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".partial");
        try {
            ImageReference parsed = ImageReference.parse(reference);
            RegistryImage image = request.credentials().attachTo(RegistryImage.named(parsed), parsed, events::accept);
            boolean insecure = request.target() instanceof BuildTarget.Registry registry && registry.insecure();
            Jib.from(image).setFormat(ImageFormat.Docker).containerize(Containerizer
                    .to(TarImage.at(partial).named(ImageReference.parse("slipway-export/base:latest")))
                    .setBaseImageLayersCache(context.cache().baseLayers())
                    .setApplicationLayersCache(context.cache().applicationLayers())
                    .setAllowInsecureRegistries(insecure)
                    .addEventHandler(JibEvent.class, events::accept));
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (InvalidImageReferenceException | RegistryException | CacheDirectoryCreationException
                | ExecutionException e) {
            throw new IOException("cannot export " + reference + " as a base: " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /**
     * What is missing for the family's Debian and wheel layers (locks, sources, a Python to install into), checked
     * with every other input before any image work.
     */
    public List<InputProblem> check(ImagePlan image, StepContext context) {
        List<InputProblem> problems = new ArrayList<>();
        if (image.kind() != ImagePlan.Kind.FAMILY || image.packages().isEmpty()) {
            return problems;
        }
        String subject = image.subject();
        List<FamilyPackages> lineage = FamilyPackages.lineage(image.packages(), context.fleetDirectory());
        FamilyPackages own = lineage.get(lineage.size() - 1);
        for (LayerPlan layer : image.layers()) {
            if (layer instanceof LayerPlan.Debian debian) {
                Path lock = FamilyLocks.debianLock(context.fleetDirectory(), image.name());
                own.debianProblems().forEach(p -> problems.add(new InputProblem(subject, lock, p)));
                if (own.debian().isPresent()) {
                    Set<String> locked = new HashSet<>();
                    lineage.forEach(f -> f.debianPackages().stream().map(LockedPackage::name).forEach(locked::add));
                    for (String name : debian.packages()) {
                        if (!locked.contains(name)) {
                            problems.add(new InputProblem(subject, lock, "does not lock '" + name
                                    + "', which the family installs; run `lock` again"));
                        }
                    }
                }
            } else if (layer instanceof LayerPlan.Wheels wheels) {
                Path lock = context.resolve(wheels.lock());
                own.wheelProblems().forEach(p -> problems.add(new InputProblem(subject, lock, p)));
                if (own.wheels().isEmpty()) {
                    // an unreadable or missing lock says all there is to say about this family's wheels
                    continue;
                }
                if (sources.wheels().isEmpty()) {
                    problems.add(new InputProblem(subject, lock, "needs a wheel source: pass --wheels URL|DIR or set "
                            + PackageSources.WHEELS_VARIABLE));
                }
                Optional<WheelTarget> target = FamilyPackages.wheelTarget(lineage);
                if (target.isEmpty() && lineage.stream().allMatch(f -> f.debianProblems().isEmpty())) {
                    problems.add(new InputProblem(subject, lock, "cannot be installed: no Debian python3.N package "
                            + "in the family's lineage tells where site-packages is"));
                }
            }
        }
        return problems;
    }
}
