package dev.slipway.runner;

import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import dev.slipway.images.RegistryCredentials;
import dev.slipway.images.supplychain.OciRegistry;
import dev.slipway.images.supplychain.SigningKeys;
import java.security.interfaces.ECPublicKey;
import java.util.List;
import java.util.ArrayList;
import java.io.IOException;
import dev.slipway.plan.FleetPlan;
import dev.slipway.plan.InstancePlan;
import java.util.regex.Pattern;

/**
 * The registry client and keys of {@code verify}, {@code sbom} and {@code apply --require-signed}, and the images a
 * swarm rollout needs.
 */
final class RegistryAccess {
    private static final Pattern LOOPBACK = Pattern.compile("(localhost|127(\\.[0-9]{1,3}){3}|\\[::1\\])(:[0-9]+)?");

    private RegistryAccess() {
    }

    /** A client for {@code images}; plain HTTP only with {@code insecure}, and then only to loopback registries. */
    static OciRegistry client(List<String> images, boolean insecure) {
        for (String image : images) {
            ImageReference reference;
            try {
                reference = ImageReference.parse(image);
            } catch (InvalidImageReferenceException e) {
                throw new UserError(
                        "'" + image + "' is not an image reference (HOST[:PORT]/REPOSITORY[:TAG|@sha256:…])");
            }
            if (insecure && !LOOPBACK.matcher(reference.getRegistry()).matches()) {
                throw new UserError("--insecure: " + reference.getRegistry() + " is not a loopback address; plain "
                        + "HTTP is only allowed to a registry on this machine (localhost, 127.x.x.x, [::1])");
            }
        }
        return new OciRegistry(RegistryCredentials.fromEnvironment(System.getenv()), insecure);
    }

    /**
     * The plan's images the registry lacks, each as {@code image (for machine)}: what a rollout to a swarm refuses
     * before any change, as the Docker hosts refuse it (they ask through their engines).
     */
    static List<String> missing(FleetPlan plan, boolean insecure) {
        List<String> images = plan.instances().stream().map(i -> i.image().text()).distinct().toList();
        OciRegistry registry = client(images, insecure);
        List<String> missing = new ArrayList<>();
        for (InstancePlan instance : plan.instances()) {
            String image = instance.image().text();
            try {
                if (registry.digestOf(ImageReference.parse(image)).isEmpty()) {
                    missing.add(image + " (for " + instance.machine() + ")");
                }
            } catch (InvalidImageReferenceException e) {
                throw new UserError("'" + image + "' is not an image reference");
            } catch (IOException e) {
                throw new UserError("cannot ask the registry for " + image + ": " + e.getMessage()
                        + "; nothing was changed.");
            }
        }
        return missing.stream().distinct().toList();
    }

    /** The public key a signature must verify with: a PEM file or env://VARIABLE. */
    static ECPublicKey publicKey(String option, String source) {
        try {
            return SigningKeys.publicKey(source, System.getenv());
        } catch (SigningKeys.KeyProblem e) {
            throw new UserError(option + ": " + e.getMessage());
        }
    }
}
