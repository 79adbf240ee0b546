package dev.slipway.images;

import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import dev.slipway.dsl.Base;
import dev.slipway.images.packages.PackagedBaseWriter;
import dev.slipway.images.packages.RegistryBase;
import dev.slipway.images.progress.ProgressListener;
import dev.slipway.images.progress.ProgressReporter;
import dev.slipway.images.supplychain.OciRegistry;
import dev.slipway.images.steps.BaseImageStep;
import dev.slipway.images.steps.BaseTiniCheck;
import dev.slipway.images.steps.ContainerConfigStep;
import dev.slipway.images.steps.OutputStep;
import dev.slipway.images.steps.FailureMessages;
import dev.slipway.images.steps.LayerSteps;
import dev.slipway.images.steps.ChildImagePush;
import dev.slipway.images.steps.StepContext;
import dev.slipway.plan.ImagePlan;
import dev.slipway.plan.LayerPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds every planned image: families before the families and services built on them, images that do not depend
 * on each other in parallel (at most {@code parallelism} at once). Local inputs, and whether each registry base
 * has tini, are all checked before any work.
 *
 * <pre>{@code
 * BuildReport report = new FleetImageBuilder().build(request, listener);
 * }</pre>
 */
public final class FleetImageBuilder {
    private static final int CHECKS_PER_BUILD = 4;
    /** After families (0) and services (1): nothing waits on an SBOM check but the report. */
    private static final int SBOM_CHECK_RANK = 2;
    private final LayerSteps layerSteps = new LayerSteps();
    private final Optional<PackagedBaseWriter> packagedBase;

    public FleetImageBuilder() {
        this(Optional.empty());
    }

    private FleetImageBuilder(Optional<PackagedBaseWriter> packagedBase) {
        this.packagedBase = packagedBase;
    }

    /** Builds families' Debian packages and wheels into a base image Slipway writes itself, and SBOMs. */
    public FleetImageBuilder withPackages(PackagedBaseWriter writer) {
        return new FleetImageBuilder(Optional.of(writer));
    }

    /** Every local input problem of the request (missing app dirs, file copies, base tarballs, locks), sorted. */
    public List<InputProblem> check(BuildRequest request) {
        StepContext context = context(request);
        List<InputProblem> problems = new ArrayList<>();
        for (ImagePlan plan : request.plans()) {
            problems.addAll(BaseImageStep.check(plan, context));
            problems.addAll(layerSteps.check(plan, context));
            if (packagedBase.isPresent()) {
                problems.addAll(packagedBase.get().check(plan, context));
            } else if (plan.layers().stream().anyMatch(PackagedBaseWriter::buildsIntoBase)) {
                plan.layers().stream().filter(PackagedBaseWriter::buildsIntoBase).forEach(layer -> problems.add(
                        new InputProblem(plan.subject(), Path.of(layer.source()), "is a '" + layer.kind()
                                + "' layer, which this build cannot make without package sources")));
            }
        }
        return sorted(problems);
    }

    /**
     * {@link #check}'s problems and every root family whose registry base has no {@code /usr/bin/tini} (which it
     * reads from the registry, or from the cache once read), sorted.
     */
    private List<InputProblem> checkWithBases(BuildRequest request) {
        List<InputProblem> problems = new ArrayList<>(check(request));
        problems.addAll(new BaseTiniCheck(request.credentials(), allowsPlainHttp(request.target()))
                .check(request.plans(), context(request)));
        return sorted(problems);
    }

    private static List<InputProblem> sorted(List<InputProblem> problems) {
        List<InputProblem> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.comparing(InputProblem::toString));
        return List.copyOf(new java.util.LinkedHashSet<>(sorted));
    }

    private static boolean allowsPlainHttp(BuildTarget target) {
        return target instanceof BuildTarget.Registry registry && registry.insecure();
    }

    /**
     * Builds everything, or throws {@link InvalidBuildInputException} before any work (local inputs, and registry
     * bases without tini), or
     * {@link FleetBuildException} naming every image that failed (and those skipped because their base failed).
     */
    public BuildReport build(BuildRequest request, ProgressListener listener) {
        List<InputProblem> problems = checkWithBases(request);
        if (!problems.isEmpty()) {
            throw new InvalidBuildInputException(problems);
        }
        StepContext context = context(request);
        Optional<PushHistory> pushed = request.target() instanceof BuildTarget.Registry registry
                ? Optional.of(new PushHistory(request.cache(), request.credentials(), registry.insecure()))
                : Optional.empty();
        // one client, kept alive, for every request Slipway itself makes of the registry during the build
        Optional<ChildImagePush> pushes = request.target() instanceof BuildTarget.Registry target
                ? Optional.of(childImagePush(request, target))
                : Optional.empty();
        // Assembling an image and asking the registry whether it is up to date mostly waits, so more images are
        // prepared at once than are built: Jib runs for at most `parallelism` images at a time.
        RankedPool checks = new RankedPool("slipway-check-", request.parallelism() * CHECKS_PER_BUILD);
        RankedPool builds = new RankedPool("slipway-build-", request.parallelism());
        try {
            Map<String, CompletableFuture<BuiltImage>> byImage = new LinkedHashMap<>();
            Map<String, CompletableFuture<BuiltImage>> lastByRepository = new LinkedHashMap<>();
            Map<String, CompletableFuture<BuiltImage>> reported = new LinkedHashMap<>();
            for (ImagePlan plan : request.plans()) {
                CompletableFuture<BuiltImage> parent = byImage.get(plan.base());
                CompletableFuture<Optional<BuiltImage>> ready = parent == null
                        ? CompletableFuture.completedFuture(Optional.empty())
                        : parent.thenApply(Optional::of);
                // One push per repository at a time: docker-registry 2.x answers 500 when two pushes race on the
                // same blob of one repository (a service's per-machine images share all but two layers).
                CompletableFuture<BuiltImage> previous = lastByRepository.get(plan.image().repository());
                if (previous != null) {
                    ready = ready.thenCombine(previous.handle((built, failed) -> null), (base, ignored) -> base);
                }
                // Families first: images wait on them, while nothing waits on a service.
                int rank = plan.kind() == ImagePlan.Kind.FAMILY ? 0 : 1;
                CompletableFuture<Prepared> preparing = ready.handleAsync((base, failed) -> {
                    if (failed != null) {
                        throw new SkippedImage(plan.base());
                    }
                    return prepare(plan, base, request, context, pushed, pushes, listener);
                }, checks.at(rank));
                CompletableFuture<BuiltImage> future = preparing.thenCompose(prepared -> prepared.upToDate().isPresent()
                        ? CompletableFuture.completedFuture(prepared.upToDate().get())
                        : CompletableFuture.supplyAsync(
                                () -> push(prepared, request, context, pushed, pushes, listener),
                                builds.at(rank)));
                byImage.put(plan.image().text(), future);
                lastByRepository.put(plan.image().repository(), future);
                // An up-to-date image's SBOM is checked off its repository's queue and last: only the report waits.
                reported.put(plan.image().text(), preparing.thenCompose(prepared -> prepared.recorded()
                        .filter(record -> record.sbomManifest().isPresent())
                        .map(record -> CompletableFuture.supplyAsync(
                                () -> withSbomChecked(prepared.upToDate().orElseThrow(), record, pushed.orElseThrow()),
                                checks.at(SBOM_CHECK_RANK)))
                        .orElse(future)));
            }
            return collect(reported, request);
        } finally {
            checks.shutdownNow();
            builds.shutdownNow();
            pushed.ifPresent(PushHistory::close);
        }
    }

    private BuildReport collect(Map<String, CompletableFuture<BuiltImage>> byImage, BuildRequest request) {
        List<BuiltImage> built = new ArrayList<>();
        List<ImageFailure> failures = new ArrayList<>();
        for (Map.Entry<String, CompletableFuture<BuiltImage>> entry : byImage.entrySet()) {
            try {
                built.add(entry.getValue().join());
            } catch (CompletionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof SkippedImage skipped) {
                    failures.add(new ImageFailure(entry.getKey(), "not built: its base " + skipped.base + " failed"));
                } else if (cause instanceof ImageBuildError error) {
                    failures.add(error.failure);
                } else {
                    failures.add(new ImageFailure(entry.getKey(),
                            FailureMessages.describe(cause, registryOf(entry.getKey()), request.credentials())));
                }
            }
        }
        if (!failures.isEmpty()) {
            throw new FleetBuildException(failures, built);
        }
        BuildReport report = new BuildReport(built);
        if (request.target() instanceof BuildTarget.Tarballs tarballs) {
            try {
                ImageIndex.write(report, tarballs.directory());
            } catch (IOException e) {
                throw new FleetBuildException(List.of(new ImageFailure(ImageIndex.FILE_NAME,
                        "cannot write " + tarballs.directory().resolve(ImageIndex.FILE_NAME) + ": " + e)), built);
            }
        }
        return report;
    }

    /**
     * An image ready for Jib, or already in the registry exactly as planned ({@code upToDate}, and {@code recorded}
     * the push record that says so).
     */
    private record Prepared(ImagePlan plan, Optional<BuiltImage> parent, JibContainerBuilder builder,
            ProgressReporter reporter, Optional<String> fingerprint, Optional<BuiltImage> upToDate,
            Optional<RegistryBase> registryBase, Optional<PushRecords.Pushed> recorded) {
    }

    private static BuiltImage withSbomChecked(BuiltImage upToDate, PushRecords.Pushed recorded, PushHistory pushed) {
        return pushed.sbomStillAttached(upToDate.image(), recorded) ? upToDate.withSbomUpToDate() : upToDate;
    }

    /** Assembles the image's Jib builder from the steps and, when pushing, checks whether it is up to date. */
    private Prepared prepare(ImagePlan plan, Optional<BuiltImage> parent, BuildRequest request, StepContext context,
            Optional<PushHistory> pushed, Optional<ChildImagePush> pushes, ProgressListener listener) {
        listener.started(plan.image().text());
        ProgressReporter reporter = new ProgressReporter(plan.image().text(), listener);
        try {
            Optional<PackagedBaseWriter.Started> packaged = packagedBase.isPresent()
                    ? packagedBase.get().from(plan, parent, request, context, reporter, pushes)
                    : Optional.empty();
            Optional<RegistryBase> registryBase = packaged.flatMap(PackagedBaseWriter.Started::registryBase);
            JibContainerBuilder builder = packaged.isPresent()
                    ? packaged.get().builder()
                    : new BaseImageStep(request.credentials()).from(plan, parent, context, reporter);
            for (LayerPlan layer : plan.layers()) {
                layerSteps.layer(plan, layer, context).ifPresent(builder::addFileEntriesLayer);
            }
            new ContainerConfigStep().apply(plan, builder);
            if (packagedBase.isPresent()) {
                packagedBase.get().addSbom(plan, builder, context);
            }
            String start = packaged.isPresent() ? packaged.get().identity() : start(plan, parent, context);
            Optional<String> fingerprint = pushed.isPresent()
                    ? ImageFingerprint.of(plan.image().text(), start, builder.toContainerBuildPlan(),
                            OutputStep.TOOL_VERSION)
                    : Optional.empty();
            Optional<PushRecords.Pushed> same = fingerprint.flatMap(
                    f -> pushed.get().upToDate(plan.image().text(), f));
            if (same.isPresent()) {
                BuiltImage built = new BuiltImage(plan, same.get().digest(), same.get().size(), Optional.empty(),
                        ImageWork.UP_TO_DATE, false);
                listener.finished(built);
                return new Prepared(plan, parent, builder, reporter, fingerprint, Optional.of(built), registryBase,
                        same);
            }
            return new Prepared(plan, parent, builder, reporter, fingerprint, Optional.empty(), registryBase,
                    Optional.empty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail(plan, e, request, listener);
        } catch (Exception e) {
            throw fail(plan, e, request, listener);
        }
    }

    /**
     * Pushes a prepared image: Slipway itself if it is built on an image in the registry already (its parent's, or
     * its packaged base), else Jib towards the target. Records a push for the next build's check.
     */
    private BuiltImage push(Prepared prepared, BuildRequest request, StepContext context,
            Optional<PushHistory> pushed, Optional<ChildImagePush> children, ProgressListener listener) {
        ImagePlan plan = prepared.plan();
        try {
            Optional<ChildImagePush.Manifest> base = Optional.empty();
            // a registry base's own layers are this image's too, though they were pushed before the image
            long baseBytes = prepared.registryBase().map(RegistryBase::addedBytes).orElse(0L);
            if (prepared.registryBase().isPresent()) {
                // the registry checks that the manifest's blobs are there: the parent's layers first
                if (prepared.parent().isPresent()) {
                    children.orElseThrow().mountLayers(plan, children.get().base(prepared.parent().get()),
                            prepared.reporter());
                }
                RegistryBase.Pushed pushedBase = prepared.registryBase().get().push(children.orElseThrow().registry());
                prepared.registryBase().get().streamFailures().forEach(failure -> listener.note(plan.image().text(),
                        "streamed upload " + failure + "; pushed from the cache instead"));
                prepared.reporter().pushedAhead(pushedBase.blobs() + pushedBase.streamed(),
                        pushedBase.bytes() + pushedBase.streamedBytes());
                base = Optional.of(prepared.registryBase().get().manifest());
                children.orElseThrow().known(base.get());
            } else if (children.isPresent() && prepared.parent().isPresent()) {
                base = Optional.of(children.get().base(prepared.parent().get()));
            } else if (children.isPresent() && plan.rootBase().orElse(null) instanceof Base.Tarball tarball) {
                // a base tarball's layers go up with the image
                base = Optional.of(children.get().tarballBase(context.resolve(tarball.path()),
                        ImageReference.parse(plan.image().text())));
                baseBytes = children.get().layerBytes(base.get());
            }
            BuiltImage built;
            if (base.isPresent()) {
                ChildImagePush.Pushed image = children.orElseThrow().push(plan,
                        prepared.builder().toContainerBuildPlan(), base.get(), prepared.reporter());
                built = new BuiltImage(plan, image.digest(), image.addedBytes() + baseBytes, Optional.empty(),
                        prepared.reporter().work(), false);
            } else {
                OutputStep.Outcome outcome = OutputStep.forTarget(request.target(), request.credentials())
                        .run(plan, prepared.builder(), context, prepared.reporter());
                long size = outcome.tarball().isPresent()
                        ? Files.size(outcome.tarball().get())
                        : prepared.reporter().blobBytes() + baseBytes;
                built = new BuiltImage(plan, outcome.container().getDigest().toString(), size, outcome.tarball(),
                        prepared.reporter().work(), false);
            }
            if (prepared.fingerprint().isPresent()) {
                pushed.orElseThrow().record(plan.image().text(), prepared.fingerprint().get(), built.digest(),
                        built.size());
            }
            listener.finished(built);
            return built;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail(plan, e, request, listener);
        } catch (Exception e) {
            throw fail(plan, e, request, listener);
        }
    }

    private static ChildImagePush childImagePush(BuildRequest request, BuildTarget.Registry target) {
        try {
            return new ChildImagePush(new OciRegistry(request.credentials(), target.insecure()),
                    request.cache().applicationLayers(), request.cache().baseLayers());
        } catch (IOException e) {
            throw new FleetBuildException(List.of(new ImageFailure("cache", e.getMessage())), List.of());
        }
    }

    /** Where an image starts, for its fingerprint: its parent's digest, or its root base. */
    private static String start(ImagePlan plan, Optional<BuiltImage> parent, StepContext context) throws IOException {
        if (parent.isPresent()) {
            return parent.get().pinnedReference();
        }
        Optional<Base> base = plan.rootBase();
        if (base.isPresent() && base.get() instanceof Base.Tarball tarball) {
            return "tarball " + ImageFingerprint.source(context.resolve(tarball.path()));
        }
        if (base.isPresent() && base.get() instanceof Base.RegistryImage registry) {
            return registry.reference().text();
        }
        return "scratch";
    }

    private static ImageBuildError fail(ImagePlan plan, Exception e, BuildRequest request, ProgressListener listener) {
        ImageFailure failure = new ImageFailure(plan.image().text(),
                FailureMessages.describe(e, plan.image().registry(), request.credentials()));
        listener.failed(failure);
        return new ImageBuildError(failure);
    }

    private static String registryOf(String image) {
        return dev.slipway.model.ImageReference.parse(image).registry();
    }

    private static StepContext context(BuildRequest request) {
        return new StepContext(request.fleetDirectory(), request.cache());
    }

    /**
     * A fixed pool whose queue runs lower ranks first, then in the order tasks arrived. Tasks are only queued once
     * the images they wait on are built, so the rank only orders work that is ready.
     */
    private static final class RankedPool {
        private final ThreadPoolExecutor executor;
        private final AtomicLong arrivals = new AtomicLong();

        RankedPool(String name, int threads) {
            AtomicInteger threadNumber = new AtomicInteger();
            this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                    new PriorityBlockingQueue<>(), runnable -> {
                        Thread thread = new Thread(runnable, name + threadNumber.incrementAndGet());
                        thread.setDaemon(true);
                        return thread;
                    });
        }

        Executor at(int rank) {
            return task -> executor.execute(new Ranked(rank, arrivals.getAndIncrement(), task));
        }

        void shutdownNow() {
            executor.shutdownNow();
        }
    }

    private record Ranked(int rank, long arrival, Runnable task) implements Runnable, Comparable<Ranked> {
        @Override
        public void run() {
            task.run();
        }

        @Override
        public int compareTo(Ranked other) {
            return rank != other.rank ? Integer.compare(rank, other.rank) : Long.compare(arrival, other.arrival);
        }
    }

    /** An image's own failure, already described. */
    private static final class ImageBuildError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient ImageFailure failure;

        ImageBuildError(ImageFailure failure) {
            super(failure.toString(), null, false, false);
            this.failure = failure;
        }
    }

    /** An image not attempted because the image it builds on failed. */
    private static final class SkippedImage extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String base;

        SkippedImage(String base) {
            super("base " + base + " failed", null, false, false);
            this.base = base;
        }
    }
}
