package dev.slipway.images.supplychain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.cloud.tools.jib.api.Credential;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.global.JibSystemProperties;
import com.google.cloud.tools.jib.registry.credentials.CredentialRetrievalException;
import dev.slipway.images.RegistryCredentials;
import dev.slipway.images.Sha256;
import dev.slipway.packages.layer.HashingInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few calls of the OCI distribution API that signatures, SBOMs and the base image checks need, over
 * {@code java.net.http}: a manifest by tag or digest, a blob (whole, or streamed), a monolithic blob upload, a
 * manifest PUT. Authenticates as the registry asks (HTTP Basic, or a Bearer token from its realm) with the
 * credentials {@link RegistryCredentials} finds; a credential or token never appears in a message.
 */
public final class OciRegistry {
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final String ACCEPT = String.join(", ", OCI_MANIFEST,
            "application/vnd.docker.distribution.manifest.v2+json", "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern CHALLENGE_PARAMETER = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    /** A 200's body as a stream; any other answer is small, so it is read whole for its message. */
    private static final HttpResponse.BodyHandler<InputStream> STREAM_IF_OK = info -> info.statusCode() == 200
            ? HttpResponse.BodySubscribers.ofInputStream()
            : HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofByteArray(),
                    ByteArrayInputStream::new);

    private final RegistryCredentials credentials;
    private final boolean insecure;
    /** Made on first request, like {@link Json}: a no-op build makes none. */
    private HttpClient httpClient;
    /** Authorization header per registry and scope, once the registry asked for one. */
    private final Map<String, String> authorizations = new ConcurrentHashMap<>();

    public OciRegistry(RegistryCredentials credentials, boolean insecure) {
        this.credentials = credentials;
        this.insecure = insecure;
    }

    /** Jackson starts on first use, not with this class: a no-op build reads no manifest. */
    private static final class Json {
        static final JsonMapper MAPPER = JsonMapper.builder().build();
    }

    /** A manifest as the registry stores it; {@code digest} is the SHA-256 of exactly these bytes. */
    public record Manifest(String mediaType, byte[] bytes, String digest) {
        public JsonNode json() throws IOException {
            return Json.MAPPER.readTree(bytes);
        }
    }

    /** The manifest {@code reference} (a tag or {@code sha256:…}) of {@code image}'s repository; empty if none. */
    public Optional<Manifest> manifest(ImageReference image, String reference) throws IOException {
        HttpResponse<byte[]> response = send(image, false, HttpRequest.newBuilder(url(image, "manifests/" + reference))
                .header("Accept", ACCEPT).GET());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        expect(response, 200, "GET manifest " + reference + " of " + repository(image));
        String digest = "sha256:" + Sha256.hex(response.body());
        if (reference.startsWith("sha256:") && !reference.equals(digest)) {
            throw new IOException(repository(image) + ": the registry answered manifest " + reference + " with "
                    + "content of digest " + digest);
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        return Optional.of(new Manifest(type, response.body(), digest));
    }

    /** The digest {@code image} (a tag or a digest reference) points at; empty if there is no such manifest. */
    public Optional<String> digestOf(ImageReference image) throws IOException {
        if (image.getDigest().isPresent()) {
            return manifest(image, image.getDigest().get()).map(Manifest::digest);
        }
        return manifest(image, image.getTag().orElse("latest")).map(Manifest::digest);
    }

    /** A blob's bytes, refused unless they hash to {@code digest}; empty if the repository has no such blob. */
    public Optional<byte[]> blob(ImageReference image, String digest) throws IOException {
        HttpResponse<byte[]> response = send(image, false, HttpRequest.newBuilder(url(image, "blobs/" + digest)).GET());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        expect(response, 200, "GET blob " + digest + " of " + repository(image));
        if (!digest.equals("sha256:" + Sha256.hex(response.body()))) {
            throw new IOException(repository(image) + ": blob " + digest + " does not hash to its digest");
        }
        return Optional.of(response.body());
    }

    /**
     * A blob streamed as the registry sends it, for blobs too large to hold (image layers). Reading it to the end
     * checks that it hashes to {@code digest}: a mismatch is an {@link IOException} from the last read. Empty if the
     * repository has no such blob. The caller closes it.
     */
    public Optional<InputStream> openBlob(ImageReference image, String digest) throws IOException {
        HttpResponse<InputStream> response = send(image, false, "",
                HttpRequest.newBuilder(url(image, "blobs/" + digest)).GET(), STREAM_IF_OK);
        if (response.statusCode() == 404) {
            response.body().close();
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            try (InputStream error = response.body()) {
                expect(response.statusCode(), error.readAllBytes(), 200, "GET blob " + digest + " of "
                        + repository(image));
            }
        }
        return Optional
                .of(HashingInputStream.expecting(response.body(), digest, repository(image) + ": blob " + digest));
    }

    /** Uploads {@code content} unless the repository has it already; returns its digest. */
    public String pushBlob(ImageReference image, byte[] content) throws IOException {
        String digest = "sha256:" + Sha256.hex(content);
        pushBlob(image, digest, HttpRequest.BodyPublishers.ofByteArray(content));
        return digest;
    }

    /**
     * Uploads {@code content} without asking first whether the repository has it (one request fewer, for a blob
     * just made); returns its digest.
     */
    public String uploadBlob(ImageReference image, byte[] content) throws IOException {
        String digest = "sha256:" + Sha256.hex(content);
        upload(image, digest, HttpRequest.BodyPublishers.ofByteArray(content));
        return digest;
    }

    /**
     * Uploads the blob in {@code file} (whose SHA-256 is {@code digest}) unless the repository has it already, in one
     * PUT read straight from the file. True if it was uploaded, false if the registry had it.
     */
    public boolean pushBlob(ImageReference image, Path file, String digest) throws IOException {
        return pushBlob(image, digest, HttpRequest.BodyPublishers.ofFile(file));
    }

    /**
     * Uploads the blob in {@code file} (whose SHA-256 is {@code digest}) without asking whether the repository has
     * it, telling {@code sent} the bytes of each chunk as it goes.
     */
    public void uploadBlob(ImageReference image, Path file, String digest, LongConsumer sent) throws IOException {
        upload(image, digest, counting(HttpRequest.BodyPublishers.ofFile(file), sent));
    }

    private static HttpRequest.BodyPublisher counting(HttpRequest.BodyPublisher body, LongConsumer sent) {
        return new HttpRequest.BodyPublisher() {
            @Override
            public long contentLength() {
                return body.contentLength();
            }

            @Override
            public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
                body.subscribe(new Flow.Subscriber<ByteBuffer>() {
                    @Override
                    public void onSubscribe(Flow.Subscription subscription) {
                        subscriber.onSubscribe(subscription);
                    }

                    @Override
                    public void onNext(ByteBuffer chunk) {
                        int bytes = chunk.remaining();
                        subscriber.onNext(chunk);
                        sent.accept(bytes);
                    }

                    @Override
                    public void onError(Throwable failure) {
                        subscriber.onError(failure);
                    }

                    @Override
                    public void onComplete() {
                        subscriber.onComplete();
                    }
                });
            }
        };
    }

    private boolean pushBlob(ImageReference image, String digest, HttpRequest.BodyPublisher content)
            throws IOException {
        if (hasBlob(image, digest)) {
            return false;
        }
        upload(image, digest, content);
        return true;
    }

    private void upload(ImageReference image, String digest, HttpRequest.BodyPublisher content) throws IOException {
        URI upload = startUpload(image);
        HttpResponse<byte[]> done = send(image, true, HttpRequest.newBuilder(withDigest(upload, digest))
                .header("Content-Type", "application/octet-stream").PUT(content));
        expect(done, 201, "upload blob " + digest + " to " + repository(image));
    }

    /** Whether {@code image}'s repository has blob {@code digest} (one HEAD). */
    public boolean hasBlob(ImageReference image, String digest) throws IOException {
        HttpResponse<byte[]> head = send(image, true, HttpRequest.newBuilder(url(image, "blobs/" + digest))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        return head.statusCode() == 200;
    }

    /**
     * Starts a blob upload whose bytes are written as they are made (one chunked PATCH) and which is committed under
     * its digest only once complete: see {@link StreamedUpload}.
     */
    public StreamedUpload streamBlob(ImageReference image) throws IOException {
        URI upload = startUpload(image);
        String scope = "repository:" + image.getRepository() + ":pull,push";
        HttpRequest.Builder patch = HttpRequest.newBuilder(upload).version(HttpClient.Version.HTTP_1_1)
                .header("Content-Type", "application/octet-stream");
        String authorization = authorizations.get(image.getRegistry() + " " + scope);
        if (authorization != null) {
            patch.header("Authorization", authorization);
        }
        return new StreamedUpload(this, image, patch);
    }

    /** Commits a streamed upload whose PATCH answered with {@code location}; see {@link StreamedUpload#finish}. */
    void commitUpload(ImageReference image, String location, String digest) throws IOException {
        URI upload = url(image, "").resolve(location);
        HttpResponse<byte[]> done = send(image, true, HttpRequest.newBuilder(withDigest(upload, digest))
                .PUT(HttpRequest.BodyPublishers.noBody()));
        expect(done, 201, "commit blob " + digest + " to " + repository(image));
    }

    <T> java.util.concurrent.CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
            HttpResponse.BodyHandler<T> body) {
        return http().sendAsync(request, body);
    }

    private URI startUpload(ImageReference image) throws IOException {
        HttpResponse<byte[]> start = send(image, true, HttpRequest.newBuilder(url(image, "blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        expect(start, 202, "start a blob upload to " + repository(image));
        String location = start.headers().firstValue("Location").orElseThrow(() -> new IOException(
                repository(image) + ": the registry started an upload without a Location"));
        return url(image, "").resolve(location);
    }

    private static URI withDigest(URI upload, String digest) {
        String query = (upload.getRawQuery() == null ? "" : upload.getRawQuery() + "&") + "digest="
                + URLEncoder.encode(digest, StandardCharsets.UTF_8);
        return URI.create(upload.getScheme() + "://" + upload.getRawAuthority() + upload.getRawPath() + "?" + query);
    }

    /**
     * Asks the registry to mount blob {@code digest} of {@code fromRepository} (same registry, without the host) into
     * {@code image}'s repository; true once it is there. A registry that cannot mount starts an upload instead,
     * which is cancelled, and false is returned.
     */
    public boolean mountBlob(ImageReference image, String digest, String fromRepository) throws IOException {
        HttpResponse<byte[]> answer = send(image, true, fromRepository, HttpRequest.newBuilder(url(image,
                "blobs/uploads/?mount="
                        + URLEncoder.encode(digest, StandardCharsets.UTF_8) + "&from="
                        + URLEncoder.encode(fromRepository, StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofByteArray());
        if (answer.statusCode() == 201) {
            return true;
        }
        if (answer.statusCode() == 202) {
            Optional<String> location = answer.headers().firstValue("Location");
            if (location.isPresent()) {
                send(image, true, HttpRequest.newBuilder(url(image, "").resolve(location.get())).DELETE());
            }
            return false;
        }
        expect(answer, 201, "mount blob " + digest + " from " + fromRepository + " into " + repository(image));
        return false;
    }

    /** PUTs a manifest under {@code tag}; returns its digest. */
    public String putManifest(ImageReference image, String tag, String mediaType, byte[] manifest) throws IOException {
        HttpResponse<byte[]> response = send(image, true, HttpRequest.newBuilder(url(image, "manifests/" + tag))
                .header("Content-Type", mediaType).PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)));
        expect(response, 201, "PUT manifest " + tag + " to " + repository(image));
        return "sha256:" + Sha256.hex(manifest);
    }

    /** {@code registry/repository}, as an image's name without tag or digest. */
    public static String repository(ImageReference image) {
        return image.getRegistry() + "/" + image.getRepository();
    }

    private URI url(ImageReference image, String path) {
        return URI.create((insecure ? "http" : "https") + "://" + image.getRegistry() + "/v2/" + image.getRepository()
                + "/" + path);
    }

    private HttpResponse<byte[]> send(ImageReference image, boolean push, HttpRequest.Builder request)
            throws IOException {
        return send(image, push, "", request, HttpResponse.BodyHandlers.ofByteArray());
    }

    /** {@code alsoPull}: another repository of the registry the request reads from (a mount's source), or "". */
    private <T> HttpResponse<T> send(ImageReference image, boolean push, String alsoPull,
            HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) throws IOException {
        String scope = "repository:" + image.getRepository() + ":" + (push ? "pull,push" : "pull")
                + (alsoPull.isEmpty() ? "" : " repository:" + alsoPull + ":pull");
        String key = image.getRegistry() + " " + scope;
        request.timeout(TIMEOUT);
        String authorization = authorizations.get(key);
        if (authorization != null) {
            request.setHeader("Authorization", authorization);
        }
        HttpResponse<T> response = exchange(request.build(), body);
        if (response.statusCode() != 401) {
            return response;
        }
        Optional<String> challenge = response.headers().firstValue("WWW-Authenticate");
        if (challenge.isEmpty()) {
            return response;
        }
        if (response.body() instanceof InputStream unread) {
            unread.close();
        }
        authorization = authorize(image, challenge.get(), scope);
        authorizations.put(key, authorization);
        request.setHeader("Authorization", authorization);
        HttpResponse<T> authorized = exchange(request.build(), body);
        if (authorized.statusCode() == 401) {
            if (authorized.body() instanceof InputStream unread) {
                unread.close();
            }
            authorizations.remove(key, authorization);
            throw new AuthenticationFailed(repository(image), credentials.toString());
        }
        return authorized;
    }

    /** The registry refused the credentials it asked for, or asked for credentials and there are none. */
    public static final class AuthenticationFailed extends IOException {
        private static final long serialVersionUID = 1L;
        private final String repository;

        AuthenticationFailed(String repository, String credentialSources) {
            super(repository + ": authentication failed (" + credentialSources + ")");
            this.repository = repository;
        }

        /** {@code registry/repository} the request was for. */
        public String repository() {
            return repository;
        }
    }

    /**
     * The registry asked for credentials over plain HTTP (an {@code --insecure} build), and they are sent there only
     * with Jib's JVM-wide {@code sendCredentialsOverHttp} switch, as Jib's own pushes do.
     */
    public static final class CredentialsNotSent extends IOException {
        private static final long serialVersionUID = 1L;

        CredentialsNotSent(String repository) {
            super(repository + " wants credentials over plain HTTP, and none are sent there without -D"
                    + JibSystemProperties.SEND_CREDENTIALS_OVER_HTTP + "=true");
        }
    }

    private HttpResponse<byte[]> exchange(HttpRequest request) throws IOException {
        return exchange(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> body) throws IOException {
        try {
            return http().send(request, body);
        } catch (IOException e) {
            // the JDK's own messages are often empty (a refused or closed connection): say what was asked of whom
            throw new IOException("cannot " + request.method() + " " + request.uri().getScheme() + "://"
                    + request.uri().getRawAuthority() + request.uri().getRawPath() + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + request.method() + " " + request.uri(), e);
        }
    }

    private synchronized HttpClient http() {
        if (httpClient == null) {
            httpClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
                    .followRedirects(HttpClient.Redirect.NORMAL).build();
        }
        return httpClient;
    }

    /** The Authorization header for a 401 challenge: Basic with the credential, or a Bearer token from the realm. */
    private String authorize(ImageReference image, String challenge, String scope) throws IOException {
        Optional<Credential> credential;
        try {
            credential = credentials.credentialFor(image, log -> {
            });
        } catch (CredentialRetrievalException e) {
            throw new IOException(repository(image) + ": cannot get registry credentials (" + credentials + ")", e);
        }
        String basic = credential.map(c -> "Basic " + Base64.getEncoder().encodeToString(
                (c.getUsername() + ":" + c.getPassword()).getBytes(StandardCharsets.UTF_8))).orElse(null);
        if (challenge.regionMatches(true, 0, "Basic", 0, 5)) {
            if (basic == null) {
                throw new AuthenticationFailed(repository(image), credentials.toString());
            }
            return sendable(basic, url(image, ""), image);
        }
        if (!challenge.regionMatches(true, 0, "Bearer", 0, 6)) {
            throw new IOException(image.getRegistry() + " asks for an unknown authentication scheme");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        Matcher m = CHALLENGE_PARAMETER.matcher(challenge);
        while (m.find()) {
            parameters.put(m.group(1), m.group(2));
        }
        String realm = parameters.get("realm");
        if (realm == null) {
            throw new IOException(image.getRegistry() + " sent a Bearer challenge without a realm");
        }
        StringBuilder tokenUrl = new StringBuilder(realm).append(realm.contains("?") ? '&' : '?');
        if (parameters.containsKey("service")) {
            tokenUrl.append("service=").append(URLEncoder.encode(parameters.get("service"), StandardCharsets.UTF_8))
                    .append('&');
        }
        // One scope parameter per repository, as Docker's token protocol asks.
        tokenUrl.append(String.join("&", java.util.Arrays.stream(scope.split(" "))
                .map(one -> "scope=" + URLEncoder.encode(one, StandardCharsets.UTF_8)).toList()));
        URI tokenUri = URI.create(tokenUrl.toString());
        HttpRequest.Builder request = HttpRequest.newBuilder(tokenUri).timeout(TIMEOUT).GET();
        if (basic != null) {
            request.header("Authorization", sendable(basic, tokenUri, image));
        }
        HttpResponse<byte[]> response = exchange(request.build());
        if (response.statusCode() != 200) {
            throw new IOException(image.getRegistry() + ": the token service answered HTTP " + response.statusCode()
                    + " for " + scope + " (" + credentials + ")");
        }
        JsonNode token = Json.MAPPER.readTree(response.body());
        String value = token.path("token").asText(token.path("access_token").asText(""));
        if (value.isEmpty()) {
            throw new IOException(image.getRegistry() + ": the token service answered without a token");
        }
        return "Bearer " + value;
    }

    /** {@code basic}, to be sent to {@code destination}: over plain HTTP only with Jib's switch, as Jib does. */
    private static String sendable(String basic, URI destination, ImageReference image) throws CredentialsNotSent {
        if ("http".equalsIgnoreCase(destination.getScheme()) && !JibSystemProperties.sendCredentialsOverHttp()) {
            throw new CredentialsNotSent(repository(image));
        }
        return basic;
    }

    private void expect(HttpResponse<byte[]> response, int status, String what) throws IOException {
        expect(response.statusCode(), response.body(), status, what);
    }

    private void expect(int actual, byte[] answer, int status, String what) throws IOException {
        if (actual != status) {
            String body = new String(answer, StandardCharsets.UTF_8).strip();
            throw new IOException(what + ": HTTP " + actual
                    + (body.isEmpty()
                            ? ""
                            : " " + credentials.redact(body.substring(0, Math.min(body.length(), 300)))));
        }
    }
}
