package dev.slipway.runner;

import dev.slipway.images.supplychain.CosignSignatures;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.List;

/** {@code apply --require-signed PUB}: every image of the rollout signed by the key, checked before any change. */
final class RequiredSignatures {

    private RequiredSignatures() {
    }

    /** Refuses, naming each one, the images that are not signed by {@code key} (read from {@code publicKeySource}). */
    static void require(String publicKeySource, ECPublicKey key, List<String> images, boolean insecure) {
        List<String> problems = new ArrayList<>(new CosignSignatures(RegistryAccess.client(images, insecure))
                .problems(images, key));
        if (!problems.isEmpty()) {
            problems.add(problems.size() + " image(s) not signed by " + publicKeySource
                    + " (--require-signed); nothing was rolled out.");
            throw new UserError(problems);
        }
    }
}
