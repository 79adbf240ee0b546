package dev.slipway.images.packages;

import com.google.cloud.tools.jib.api.ImageReference;
import dev.slipway.images.supplychain.OciRegistry;
import dev.slipway.images.supplychain.StreamedUpload;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A registry build's uploads of the packaged layers it writes, into the family's own repository while they are
 * compressed. Which blobs made it is remembered, so pushing the base asks the registry about none of them; one that
 * did not is pushed again from its file, and why it failed is kept for the build's log.
 */
final class LayerUploads {
    private final OciRegistry registry;
    private final ImageReference repository;
    private final Set<String> committed = ConcurrentHashMap.newKeySet();
    private final Map<String, String> failed = new ConcurrentHashMap<>();

    LayerUploads(OciRegistry registry, ImageReference repository) {
        this.registry = registry;
        this.repository = repository;
    }

    /** A streamed upload into the repository; empty if the registry would not start one (pushed later instead). */
    Optional<StreamedUpload> start() {
        try {
            return Optional.of(registry.streamBlob(repository));
        } catch (java.io.IOException e) {
            failed.put("(not started)", String.valueOf(e.getMessage()));
            return Optional.empty();
        }
    }

    /** Records how a streamed upload of blob {@code digest} ended: {@code failure} empty when it is committed. */
    void finished(String digest, Optional<String> failure) {
        if (failure.isEmpty()) {
            committed.add(digest);
        } else {
            failed.put(digest, failure.get());
        }
    }

    boolean committed(String digest) {
        return committed.contains(digest);
    }

    /** Streamed uploads that did not make it, by digest, and why. */
    Map<String, String> failures() {
        return Map.copyOf(failed);
    }
}
