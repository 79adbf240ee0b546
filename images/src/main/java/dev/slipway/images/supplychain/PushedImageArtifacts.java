package dev.slipway.images.supplychain;

import dev.slipway.images.BuiltImage;
import dev.slipway.images.PushRecords;
import dev.slipway.images.supplychain.SigningKeys.SigningKey;
import dev.slipway.plan.ImagePlan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What goes into the registry beside every pushed image once it is built: its SBOM ({@code sha256-<digest>.sbom})
 * and, with a signing key, its cosign signature ({@code sha256-<digest>.sig}). Each image is reported as soon as
 * its artifacts are pushed. An SBOM the build found still attached ({@link BuiltImage#sbomUpToDate}) is neither
 * rendered nor asked for; every other one is attached and then recorded in {@code records}, for the next build. An
 * image pushed by this build gets its SBOM pushed without asking first whether it is there.
 */
public final class PushedImageArtifacts {

    private final OciRegistry registry;
    private final PushRecords records;

    public PushedImageArtifacts(OciRegistry registry, PushRecords records) {
        this.registry = registry;
        this.records = records;
    }

    /** One image's attached artifacts. */
    public record Attached(BuiltImage image, String sbomTag, Optional<CosignSignatures.Signed> signature) {
    }

    /**
     * Attaches every image's artifacts, repositories in parallel ({@code parallelism} at once) and one repository's
     * images one after another (docker-registry 2.x can fail two uploads racing in one repository).
     *
     * @param packagedSbom the packaged SBOM (Debian packages, wheels) of a plan, for lineages that have one
     * @throws IOException naming an image whose artifacts could not be pushed (the others stay pushed: each is
     *     complete on its own)
     */
    public List<Attached> attach(List<BuiltImage> images, Function<ImagePlan, Optional<byte[]>> packagedSbom,
            Optional<SigningKey> key, int parallelism, Consumer<Attached> progress) throws IOException {
        // a service's base is its family's image by tag: name the digest that family was pushed at
        Map<String, String> digests = new HashMap<>();
        images.forEach(i -> digests.put(i.image(), i.digest()));
        Map<String, List<BuiltImage>> byRepository = new LinkedHashMap<>();
        for (BuiltImage image : images) {
            byRepository.computeIfAbsent(image.plan().image().repository(), r -> new ArrayList<>()).add(image);
        }
        AttachedSboms sboms = new AttachedSboms(registry);
        CosignSignatures signatures = new CosignSignatures(registry);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(parallelism, byRepository.size())));
        try {
            List<Future<List<Attached>>> work = new ArrayList<>();
            for (List<BuiltImage> repository : byRepository.values()) {
                work.add(pool.submit(() -> {
                    List<Attached> done = new ArrayList<>();
                    for (BuiltImage image : repository) {
                        String pinned = image.pinnedReference();
                        String sbomTag = AttachedSboms.tag(image.digest());
                        if (!image.sbomUpToDate()) {
                            byte[] sbom = ImageSbom.render(image.plan(), image.digest(),
                                    Optional.ofNullable(digests.get(image.plan().base())),
                                    packagedSbom.apply(image.plan()));
                            records.recordAttachedSbom(image.image(), image.digest(),
                                    sboms.attach(pinned, sbom, image.work().upToDate()).manifestDigest());
                        }
                        Optional<CosignSignatures.Signed> signed = Optional.empty();
                        if (key.isPresent()) {
                            signed = Optional.of(signatures.sign(pinned, key.get()));
                        }
                        Attached one = new Attached(image, sbomTag, signed);
                        done.add(one);
                        progress.accept(one);
                    }
                    return done;
                }));
            }
            Map<BuiltImage, Attached> all = new HashMap<>();
            IOException failed = null;
            for (Future<List<Attached>> future : work) {
                try {
                    future.get().forEach(a -> all.put(a.image(), a));
                } catch (ExecutionException e) {
                    if (failed == null) {
                        failed = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                    }
                }
            }
            if (failed != null) {
                throw failed;
            }
            return images.stream().map(all::get).toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while attaching SBOMs and signatures", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
