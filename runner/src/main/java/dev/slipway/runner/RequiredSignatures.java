package dev.slipway.runner;

import dev.slipway.images.supplychain.CosignSignatures;
import dev.slipway.plan.FleetPlan;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code apply --require-signed PUB}: every image of the rollout signed by the key, checked before any change, the
 * same check whether the rollout goes to Docker hosts or to a swarm.
 */
final class RequiredSignatures {
    private final String publicKeySource;
    private final ECPublicKey key;

    private RequiredSignatures(String publicKeySource, ECPublicKey key) {
        this.publicKeySource = publicKeySource;
        this.key = key;
    }

    /** The key {@code --require-signed} names (a PEM file or env://VARIABLE); empty without the option. */
    static Optional<RequiredSignatures> of(String publicKeySource) {
        return Optional.ofNullable(publicKeySource).map(source -> new RequiredSignatures(source,
                RegistryAccess.publicKey("--require-signed", source)));
    }

    /** Refuses, naming each one, the images of the plan's instances that are not signed by the key. */
    void require(FleetPlan plan, boolean insecure) {
        require(plan.instances().stream().map(i -> i.image().text()).distinct().toList(), insecure);
    }

    private void require(List<String> images, boolean insecure) {
        List<String> problems = new ArrayList<>(new CosignSignatures(RegistryAccess.client(images, insecure))
                .problems(images, key));
        if (!problems.isEmpty()) {
            problems.add(problems.size() + " image(s) not signed by " + publicKeySource
                    + " (--require-signed); nothing was rolled out.");
            throw new UserError(problems);
        }
    }
}
