package dev.slipway.runner;

import com.google.cloud.tools.jib.api.Credential;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.registry.credentials.CredentialRetrievalException;
import dev.slipway.images.RegistryCredentials;
import dev.slipway.rollout.engine.RegistryAuth;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engines' registry login from the same sources {@code build} pushes with ({@link RegistryCredentials}: the
 * environment's pair, the Docker config, credential helpers), looked up once per registry.
 *
 * <p>Catches jib-core's {@code CredentialRetrievalException}, outside its {@code api} package: jib-core's own
 * {@code api.CredentialRetriever}, which {@link RegistryCredentials} asks, throws it and has no public type instead.
 */
final class HostRegistryAuth implements RegistryAuth {
    private final RegistryCredentials credentials;
    private final Map<String, Optional<Login>> byRegistry = new ConcurrentHashMap<>();

    HostRegistryAuth(RegistryCredentials credentials) {
        this.credentials = credentials;
    }

    static HostRegistryAuth fromEnvironment() {
        return new HostRegistryAuth(RegistryCredentials.fromEnvironment(System.getenv()));
    }

    @Override
    public Optional<Login> loginFor(String registry) {
        return byRegistry.computeIfAbsent(registry, this::lookUp);
    }

    private Optional<Login> lookUp(String registry) {
        try {
            Optional<Credential> credential = credentials.credentialFor(ImageReference.parse(registry + "/slipway"),
                    event -> {
                    });
            return credential.map(c -> new Login(c.getUsername(), c.getPassword()));
        } catch (CredentialRetrievalException | InvalidImageReferenceException e) {
            return Optional.empty(); // the registry's 401 then says what is missing
        }
    }
}
