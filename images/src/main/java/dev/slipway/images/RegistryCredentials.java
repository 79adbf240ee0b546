package dev.slipway.images;

import com.google.cloud.tools.jib.api.Credential;
import com.google.cloud.tools.jib.api.CredentialRetriever;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.frontend.CredentialRetrieverFactory;
import com.google.cloud.tools.jib.registry.credentials.CredentialRetrievalException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where registry credentials come from, in order: {@code SLIPWAY_REGISTRY_USERNAME}/{@code _PASSWORD}, then the
 * Docker config ({@code $DOCKER_CONFIG/config.json} or {@code ~/.docker/config.json}, including its
 * {@code credHelpers}/{@code credsStore}), then well-known {@code docker-credential-*} helpers. Never from the
 * fleet definition; {@link #toString()} and {@link #redact(String)} keep the secret out of every message.
 *
 * <p>Docker config files and credential helpers are read through jib-core's {@code CredentialRetrieverFactory},
 * outside its {@code api} package: jib-core offers no public way to reach them.
 */
public final class RegistryCredentials {
    public static final String USERNAME_VARIABLE = "SLIPWAY_REGISTRY_USERNAME";
    public static final String PASSWORD_VARIABLE = "SLIPWAY_REGISTRY_PASSWORD";

    private final Optional<String> username;
    private final Optional<String> password;
    private final Path dockerConfig;

    private RegistryCredentials(Optional<String> username, Optional<String> password, Path dockerConfig) {
        this.username = username;
        this.password = password;
        this.dockerConfig = dockerConfig;
    }

    public static RegistryCredentials fromEnvironment(Map<String, String> environment) {
        Path dockerConfigDir = Optional.ofNullable(environment.get("DOCKER_CONFIG")).filter(v -> !v.isBlank())
                .map(Path::of).orElseGet(() -> Path.of(System.getProperty("user.home"), ".docker"));
        return new RegistryCredentials(nonBlank(environment.get(USERNAME_VARIABLE)),
                nonBlank(environment.get(PASSWORD_VARIABLE)), dockerConfigDir.resolve("config.json"));
    }

    /** No environment credentials, and a Docker config that does not exist: anonymous access only. */
    public static RegistryCredentials anonymous() {
        return new RegistryCredentials(Optional.empty(), Optional.empty(), Path.of("/nonexistent/docker/config.json"));
    }

    /** Whether the username/password pair came from the environment (half a pair is ignored). */
    public boolean fromEnvironmentVariables() {
        return username.isPresent() && password.isPresent();
    }

    public RegistryImage attachTo(RegistryImage image, ImageReference reference, Consumer<LogEvent> logger) {
        retrievers(reference, logger).forEach(image::addCredentialRetriever);
        return image;
    }

    /** The credential for {@code reference} from the same sources, in the same order; empty for anonymous access. */
    public Optional<Credential> credentialFor(ImageReference reference, Consumer<LogEvent> logger)
            throws CredentialRetrievalException {
        for (CredentialRetriever retriever : retrievers(reference, logger)) {
            Optional<Credential> credential = retriever.retrieve();
            if (credential.isPresent()) {
                return credential;
            }
        }
        return Optional.empty();
    }

    /** The sources, in the order they are asked: the environment's pair, the Docker config, known helpers. */
    private List<CredentialRetriever> retrievers(ImageReference reference, Consumer<LogEvent> logger) {
        List<CredentialRetriever> retrievers = new ArrayList<>();
        if (fromEnvironmentVariables()) {
            Credential credential = Credential.from(username.get(), password.get());
            retrievers.add(() -> Optional.of(credential));
        }
        CredentialRetrieverFactory factory = CredentialRetrieverFactory.forImage(reference, logger);
        retrievers.add(factory.dockerConfig(dockerConfig));
        retrievers.add(factory.wellKnownCredentialHelpers());
        return retrievers;
    }

    /** {@code message} with the password (if any) replaced, for anything shown to a user. */
    public String redact(String message) {
        if (message == null || password.isEmpty() || password.get().isEmpty()) {
            return message;
        }
        return message.replace(password.get(), "<redacted>");
    }

    @Override
    public String toString() {
        return fromEnvironmentVariables()
                ? "credentials from " + USERNAME_VARIABLE + "/" + PASSWORD_VARIABLE + " (user " + username.get() + ")"
                : "credentials from " + dockerConfig;
    }

    private static Optional<String> nonBlank(String value) {
        return Optional.ofNullable(value).filter(v -> !v.isBlank());
    }
}
