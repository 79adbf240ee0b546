package dev.slipway.images;

import com.google.cloud.tools.jib.api.Credential;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.event.EventHandlers;
import com.google.cloud.tools.jib.global.JibSystemProperties;
import com.google.cloud.tools.jib.http.FailoverHttpClient;
import com.google.cloud.tools.jib.registry.RegistryClient;
import com.google.cloud.tools.jib.registry.credentials.CredentialRetrievalException;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * The no-op fast path of a registry build. After pushing an image, Slipway records in its cache
 * ({@code pushed/}) the image's {@link ImageFingerprint} and the digest it pushed. On the next build an image with
 * the same fingerprint costs one manifest request: when its tag still points at that digest, Jib does not run for
 * it. Anything else — no record, another fingerprint, a tag that is gone or was moved, any error asking — builds
 * the image as usual, so the fast path can only save work, never skip a push that is needed.
 *
 * <p>The checks use the JDK's plain {@link HttpURLConnection}, which keeps connections alive between them and,
 * for a plain-HTTP registry, never loads TLS. Credentials are looked up only when the registry asks for them.
 *
 * <p>A registry that wants credentials is asked through jib-core's {@code RegistryClient}, outside its {@code api}
 * package: jib-core has no public way to check a manifest with its authentication schemes (bearer token or basic).
 */
final class PushHistory implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 20_000;
    private static final String MANIFEST_TYPES = String.join(", ",
            "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.oci.image.index.v1+json");

    private final Path directory;
    private final RegistryCredentials credentials;
    private final boolean insecure;
    private FailoverHttpClient jibHttp;

    PushHistory(SlipwayCache cache, RegistryCredentials credentials, boolean insecure) {
        this.directory = cache.root().resolve("pushed");
        this.credentials = credentials;
        this.insecure = insecure;
    }

    /** A recorded push: the digest and size (compressed layers and config) of the image. */
    record Pushed(String digest, long size) {
    }

    /** The recorded push of {@code image}, when its inputs are unchanged and its tag still points at it. */
    Optional<Pushed> upToDate(String image, String fingerprint) {
        Optional<Pushed> recorded = read(image, fingerprint);
        if (recorded.isEmpty()) {
            return Optional.empty();
        }
        try {
            Optional<String> current = digestOfTag(ImageReference.parse(image));
            return current.isPresent() && current.get().equals(recorded.get().digest()) ? recorded : Optional.empty();
        } catch (IOException | RegistryException | CredentialRetrievalException | InvalidImageReferenceException
                | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Records a finished push; a cache that cannot be written only costs the fast path next time. */
    void record(String image, String fingerprint, String digest, long size) {
        try {
            Files.createDirectories(directory);
            Path temporary = Files.createTempFile(directory, ".pushed-", ".tmp");
            Files.writeString(temporary, String.join("\n", image, fingerprint, digest, Long.toString(size)) + "\n");
            Files.move(temporary, file(image), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // the next build runs Jib for this image, which is correct, only slower
        }
    }

    private Optional<Pushed> read(String image, String fingerprint) {
        try {
            List<String> lines = Files.readAllLines(file(image), StandardCharsets.UTF_8);
            if (lines.size() == 4 && lines.get(0).equals(image) && lines.get(1).equals(fingerprint)
                    && lines.get(2).startsWith("sha256:")) {
                return Optional.of(new Pushed(lines.get(2), Long.parseLong(lines.get(3))));
            }
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty(); // no record yet, or an unreadable one: build as usual
        }
    }

    private Path file(String image) {
        return directory.resolve(Sha256.hex(image));
    }

    /**
     * The digest the tag points at: one {@code HEAD} on a kept-alive connection, the common case of a registry
     * that lets this machine read. A registry that wants credentials gets Jib's client, which knows its
     * authentication schemes.
     */
    private Optional<String> digestOfTag(ImageReference reference)
            throws IOException, RegistryException, CredentialRetrievalException {
        String tag = reference.getTag().orElseThrow();
        URL url = URI.create((insecure ? "http" : "https") + "://" + reference.getRegistry() + "/v2/"
                + reference.getRepository() + "/manifests/" + tag).toURL();
        HttpURLConnection connection = (HttpURLConnection) url.openConnection();
        try {
            connection.setRequestMethod("HEAD");
            connection.setRequestProperty("Accept", MANIFEST_TYPES);
            connection.setConnectTimeout(TIMEOUT_MILLIS);
            connection.setReadTimeout(TIMEOUT_MILLIS);
            connection.setInstanceFollowRedirects(false);
            int status = connection.getResponseCode();
            String digest = connection.getHeaderField("Docker-Content-Digest");
            InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream();
            if (body != null) {
                body.close(); // a HEAD has no body; closing it keeps the connection alive for the next check
            }
            if (status == HttpURLConnection.HTTP_UNAUTHORIZED) {
                return authenticatedDigestOfTag(reference, tag);
            }
            return status == HttpURLConnection.HTTP_OK ? Optional.ofNullable(digest) : Optional.empty();
        } catch (IOException e) {
            connection.disconnect();
            throw e;
        }
    }

    private Optional<String> authenticatedDigestOfTag(ImageReference reference, String tag)
            throws IOException, RegistryException, CredentialRetrievalException {
        Optional<Credential> credential = credentials.credentialFor(reference, log -> {
        });
        RegistryClient client = RegistryClient.factory(EventHandlers.NONE, reference.getRegistry(),
                reference.getRepository(), jibHttp()).setCredential(credential.orElse(null)).newRegistryClient();
        if (!client.doPullBearerAuth()) {
            if (credential.isEmpty()) {
                return Optional.empty();
            }
            client.configureBasicAuth();
        }
        return client.checkManifest(tag).map(manifest -> manifest.getDigest().toString());
    }

    private synchronized FailoverHttpClient jibHttp() {
        if (jibHttp == null) {
            jibHttp = new FailoverHttpClient(insecure, JibSystemProperties.sendCredentialsOverHttp(), log -> {
            });
        }
        return jibHttp;
    }

    @Override
    public synchronized void close() {
        if (jibHttp != null) {
            try {
                jibHttp.shutDown();
            } catch (IOException e) {
                // connections are closed with the process anyway
            }
        }
    }
}
