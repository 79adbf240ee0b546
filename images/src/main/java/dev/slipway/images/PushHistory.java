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
import dev.slipway.images.supplychain.AttachedSboms;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.util.Optional;

/**
 * The no-op fast path of a registry build. After pushing an image, Slipway records in its cache
 * ({@code pushed/}) the image's {@link ImageFingerprint} and the digest it pushed. On the next build an image with
 * the same fingerprint costs one manifest request: when its tag still points at that digest, Jib does not run for
 * it. Anything else — no record, another fingerprint, a tag that is gone or was moved, any error asking — builds
 * the image as usual, so the fast path can only save work, never skip a push that is needed.
 *
 * <p>The same holds for the SBOM attached beside each image: once attached, the digest of its tag's manifest is
 * recorded too ({@link PushRecords}), and for an up-to-date image one more manifest request checks that the tag
 * still points at it. Then the SBOM is neither rendered nor asked for again; anything else attaches it as usual.
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

    private final PushRecords records;
    private final RegistryCredentials credentials;
    private final boolean insecure;
    private FailoverHttpClient jibHttp;

    PushHistory(SlipwayCache cache, RegistryCredentials credentials, boolean insecure) {
        this.records = new PushRecords(cache);
        this.credentials = credentials;
        this.insecure = insecure;
    }

    /** The recorded push of {@code image}, when its inputs are unchanged and its tag still points at it. */
    Optional<PushRecords.Pushed> upToDate(String image, String fingerprint) {
        Optional<PushRecords.Pushed> recorded = records.read(image, fingerprint);
        if (recorded.isEmpty()) {
            return Optional.empty();
        }
        return recorded.get().digest().equals(currentDigest(image, Optional.empty()).orElse(null))
                ? recorded
                : Optional.empty();
    }

    /**
     * Whether the SBOM recorded for an up-to-date image is still attached: its tag ({@code sha256-<hex>.sbom})
     * still points at the manifest recorded after it was attached. One {@code HEAD}, as for the image.
     */
    boolean sbomStillAttached(String image, PushRecords.Pushed pushed) {
        return pushed.sbomManifest().isPresent() && pushed.sbomManifest().get()
                .equals(currentDigest(image, Optional.of(AttachedSboms.tag(pushed.digest()))).orElse(null));
    }

    /** Records a finished push; a cache that cannot be written only costs the fast path next time. */
    void record(String image, String fingerprint, String digest, long size) {
        records.recordPush(image, fingerprint, digest, size);
    }

    /** The digest {@code image}'s tag, or {@code otherTag} of its repository, points at now; empty on any error. */
    private Optional<String> currentDigest(String image, Optional<String> otherTag) {
        try {
            ImageReference reference = ImageReference.parse(image);
            if (otherTag.isPresent()) {
                reference = ImageReference.of(reference.getRegistry(), reference.getRepository(), otherTag.get());
            }
            return digestOfTag(reference);
        } catch (IOException | RegistryException | CredentialRetrievalException | InvalidImageReferenceException
                | RuntimeException e) {
            return Optional.empty();
        }
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
