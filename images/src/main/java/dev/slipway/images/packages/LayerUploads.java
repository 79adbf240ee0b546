package dev.slipway.images.packages;

import com.google.cloud.tools.jib.api.ImageReference;
import dev.slipway.images.supplychain.OciRegistry;
import dev.slipway.images.supplychain.StreamedUpload;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A registry build's uploads of the packaged layers it writes, into the family's own repository while they are
 * compressed. Which blobs made it is remembered, so pushing the base asks the registry about none of them; one that
 * did not is pushed again from its file, and why it failed is kept for the build's log.
 */
final class LayerUploads {
    private final OciRegistry registry;
    private final ImageReference repository;
    private final Set<String> committed = ConcurrentHashMap.newKeySet();
    private final List<String> failed = new CopyOnWriteArrayList<>();

    LayerUploads(OciRegistry registry, ImageReference repository) {
        this.registry = registry;
        this.repository = repository;
    }

    /** A streamed upload into the repository; empty if the registry would not start one (pushed later instead). */
    Optional<StreamedUpload> start() {
        try {
            return Optional.of(registry.streamBlob(repository));
        } catch (java.io.IOException e) {
            failed.add("could not start: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Records how a streamed upload of blob {@code digest} ended: {@code failure} empty when it is committed. */
    void finished(String digest, Optional<String> failure) {
        if (failure.isEmpty()) {
            committed.add(digest);
        } else {
            failed.add("of " + digest + " failed: " + failure.get());
        }
    }

    boolean committed(String digest) {
        return committed.contains(digest);
    }

    /** Why streamed uploads did not make it, one line each. */
    List<String> failures() {
        return List.copyOf(failed);
    }
}
