package dev.slipway.images.supplychain;

import com.google.cloud.tools.jib.api.ImageReference;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One repository of the registry known to hold each blob a build put there, so that the next repository needing the
 * same blob gets a cross-repository mount instead of an upload: a blob goes up once per build.
 */
public final class BlobHolders {
    private final OciRegistry registry;
    /** A repository (without the registry) holding each blob; completed once its upload is done ("" if it failed). */
    private final Map<String, CompletableFuture<String>> holders = new ConcurrentHashMap<>();

    public BlobHolders(OciRegistry registry) {
        this.registry = registry;
    }

    /** How a blob got into a repository. */
    public enum Put {
        /** sent by the caller's upload */
        SENT,
        /** mounted from the repository that holds it */
        MOUNTED,
        /** already put into this very repository by this build */
        HELD
    }

    /** Sends a blob's bytes into the repository. */
    public interface Upload {
        void send() throws IOException;
    }

    /**
     * Puts blob {@code digest} into {@code target}'s repository: a mount from the repository this build put it into
     * first (waiting while that upload is under way), else {@code upload}, after which it is mounted from here.
     */
    public Put put(ImageReference target, String digest, Upload upload) throws IOException {
        String repository = target.getRepository();
        CompletableFuture<String> claim = new CompletableFuture<>();
        CompletableFuture<String> holder = holders.putIfAbsent(digest, claim);
        if (holder != null) {
            String from = holder.join();
            if (from.equals(repository)) {
                return Put.HELD;
            }
            if (!from.isEmpty() && registry.mountBlob(target, digest, from)) {
                return Put.MOUNTED;
            }
            upload.send();
            return Put.SENT;
        }
        try {
            upload.send();
            claim.complete(repository);
        } finally {
            // a failed upload: whoever waits on it uploads the blob itself
            claim.complete("");
        }
        return Put.SENT;
    }

    /** Tells that {@code repository} holds {@code digest}, put there by other means. */
    public void held(String repository, String digest) {
        holders.putIfAbsent(digest, CompletableFuture.completedFuture(repository));
    }
}
