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
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;

/**
 * The calls of the OCI distribution API that Slipway's pushes, signatures, SBOMs and base image checks make: a
 * manifest by tag or digest, a blob (whole, or streamed), a blob upload (monolithic, or fed while it is made), a
 * cross-repository mount, a manifest PUT. Authenticates as the registry asks (HTTP Basic, or a Bearer token from its
 * realm) with the credentials {@link RegistryCredentials} finds; a credential or token never appears in a message.
 *
 * <p>Requests go over {@link HttpURLConnection}, which keeps connections alive between them: a cold build of 65
 * services makes about 1,200 small requests, and this blocking client spends less than half the CPU on them in a fresh JVM
 * that {@code java.net.http} does (bench/registry-clients.sh). Only the streamed upload's chunked PATCHes, a method
 * {@code HttpURLConnection} cannot send, go over Apache HttpClient, the blocking client Jib brings.
 */
public final class OciRegistry {
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final String ACCEPT = String.join(", ", OCI_MANIFEST,
            "application/vnd.docker.distribution.manifest.v2+json", "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json");
    private static final int CONNECT_TIMEOUT_MILLIS = 20_000;
    /** How long an answer (or the next bytes of one) may take. */
    private static final int READ_TIMEOUT_MILLIS = 120_000;
    private static final int MAX_REDIRECTS = 5;
    private static final Pattern CHALLENGE_PARAMETER = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    static {
        // HttpURLConnection keeps 5 idle connections per registry unless told otherwise; a build talks to its
        // registry on more threads than that (builds, up-to-date checks, SBOMs), and every connection dropped is a
        // new TCP (and TLS) handshake later. A value the user set is kept.
        if (System.getProperty("http.maxConnections") == null) {
            System.setProperty("http.maxConnections", "32");
        }
    }

    private final RegistryCredentials credentials;
    private final boolean insecure;
    /** For streamed uploads only, made on the first one. */
    private CloseableHttpClient streamingClient;
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
        Answer response = send(image, false, Call.of("GET", url(image, "manifests/" + reference))
                .header("Accept", ACCEPT));
        if (response.status() == 404) {
            return Optional.empty();
        }
        expect(response, 200, "GET manifest " + reference + " of " + repository(image));
        String digest = "sha256:" + Sha256.hex(response.body());
        if (reference.startsWith("sha256:") && !reference.equals(digest)) {
            throw new IOException(repository(image) + ": the registry answered manifest " + reference + " with "
                    + "content of digest " + digest);
        }
        return Optional.of(new Manifest(response.header("Content-Type").orElse(""), response.body(), digest));
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
        Answer response = send(image, false, Call.of("GET", url(image, "blobs/" + digest)));
        if (response.status() == 404) {
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
        Answer response = send(image, false, Call.of("GET", url(image, "blobs/" + digest)).streamed());
        if (response.status() == 404) {
            return Optional.empty();
        }
        expect(response, 200, "GET blob " + digest + " of " + repository(image));
        return Optional.of(HashingInputStream.expecting(response.stream(), digest,
                repository(image) + ": blob " + digest));
    }

    /** Uploads {@code content} unless the repository has it already; returns its digest. */
    public String pushBlob(ImageReference image, byte[] content) throws IOException {
        String digest = "sha256:" + Sha256.hex(content);
        pushBlob(image, digest, Body.of(content));
        return digest;
    }

    /**
     * Uploads {@code content} without asking first whether the repository has it (one request fewer, for a blob
     * just made); returns its digest.
     */
    public String uploadBlob(ImageReference image, byte[] content) throws IOException {
        String digest = "sha256:" + Sha256.hex(content);
        upload(image, digest, Body.of(content));
        return digest;
    }

    /**
     * Uploads the blob in {@code file} (whose SHA-256 is {@code digest}) unless the repository has it already, in one
     * PUT read straight from the file. True if it was uploaded, false if the registry had it.
     */
    public boolean pushBlob(ImageReference image, Path file, String digest) throws IOException {
        return pushBlob(image, digest, Body.of(file, sent -> {
        }));
    }

    /**
     * Uploads the blob in {@code file} (whose SHA-256 is {@code digest}) without asking whether the repository has
     * it, telling {@code sent} the bytes of each chunk as it goes.
     */
    public void uploadBlob(ImageReference image, Path file, String digest, LongConsumer sent) throws IOException {
        upload(image, digest, Body.of(file, sent));
    }

    private boolean pushBlob(ImageReference image, String digest, Body content) throws IOException {
        if (hasBlob(image, digest)) {
            return false;
        }
        upload(image, digest, content);
        return true;
    }

    private void upload(ImageReference image, String digest, Body content) throws IOException {
        URI upload = startUpload(image);
        Answer done = send(image, true, Call.of("PUT", withDigest(upload, digest))
                .header("Content-Type", "application/octet-stream").body(content));
        expect(done, 201, "upload blob " + digest + " to " + repository(image));
    }

    /** Whether {@code image}'s repository has blob {@code digest} (one HEAD). */
    public boolean hasBlob(ImageReference image, String digest) throws IOException {
        return send(image, true, Call.of("HEAD", url(image, "blobs/" + digest))).status() == 200;
    }

    /**
     * Starts a blob upload whose bytes are written as they are made (one chunked PATCH) and which is committed under
     * its digest only once complete: see {@link StreamedUpload}.
     */
    public StreamedUpload streamBlob(ImageReference image) throws IOException {
        return streamBlob(image, StreamedUpload.PART_BYTES);
    }

    /**
     * {@link #streamBlob} in parts of {@code partBytes}, or of the registry's minimum chunk size if it names a larger
     * one ({@code OCI-Chunk-Min-Length}).
     */
    StreamedUpload streamBlob(ImageReference image, int partBytes) throws IOException {
        Answer start = postUpload(image);
        URI upload = uploadLocation(image, start);
        // a minimum beyond what is kept in memory is not met: the registry refuses the parts and the blob is pushed
        // from its file instead
        long minimum = start.header("OCI-Chunk-Min-Length").map(String::strip).filter(v -> v.matches("\\d{1,9}"))
                .map(Long::parseLong).orElse(0L);
        int part = (int) Math.max(partBytes, Math.min(minimum, StreamedUpload.MAX_PART_BYTES));
        return new StreamedUpload(this, image, upload, streamingClient(), part);
    }

    /** The Authorization header that pushes to {@code image}'s repository carry, once the registry asked for one. */
    Optional<String> pushAuthorization(ImageReference image) {
        return Optional.ofNullable(authorizations.get(image.getRegistry() + " " + scope(image, true, "")));
    }

    /** Commits a streamed upload whose last PATCH answered with {@code location}; see {@link StreamedUpload#finish}. */
    void commitUpload(ImageReference image, URI location, String digest) throws IOException {
        Answer done = send(image, true, Call.of("PUT", withDigest(location, digest)).body(Body.EMPTY));
        expect(done, 201, "commit blob " + digest + " to " + repository(image));
    }

    /**
     * The client of streamed uploads' PATCHes, made on the first one: Apache HttpClient (Jib's own), blocking, with
     * no thread of its own, no redirects followed and no retries (a body read once cannot be sent again); proxies
     * and TLS settings from the system properties, as for every other request.
     */
    private synchronized CloseableHttpClient streamingClient() {
        if (streamingClient == null) {
            streamingClient = HttpClients.custom().useSystemProperties().disableAutomaticRetries()
                    .disableRedirectHandling().disableCookieManagement().disableContentCompression()
                    .setMaxConnPerRoute(8).setMaxConnTotal(32)
                    .setDefaultRequestConfig(RequestConfig.custom().setConnectTimeout(CONNECT_TIMEOUT_MILLIS)
                            .setSocketTimeout(READ_TIMEOUT_MILLIS).build())
                    .build();
        }
        return streamingClient;
    }

    private URI startUpload(ImageReference image) throws IOException {
        return uploadLocation(image, postUpload(image));
    }

    private Answer postUpload(ImageReference image) throws IOException {
        return send(image, true, Call.of("POST", url(image, "blobs/uploads/")).body(Body.EMPTY));
    }

    /** Where the upload a POST started goes on. */
    private URI uploadLocation(ImageReference image, Answer start) throws IOException {
        expect(start, 202, "start a blob upload to " + repository(image));
        String location = start.header("Location").orElseThrow(() -> new IOException(
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
        Answer answer = send(image, true, fromRepository, Call.of("POST", url(image, "blobs/uploads/?mount="
                + URLEncoder.encode(digest, StandardCharsets.UTF_8) + "&from="
                + URLEncoder.encode(fromRepository, StandardCharsets.UTF_8))).body(Body.EMPTY));
        if (answer.status() == 201) {
            return true;
        }
        if (answer.status() == 202) {
            Optional<String> location = answer.header("Location");
            if (location.isPresent()) {
                send(image, true, Call.of("DELETE", url(image, "").resolve(location.get())));
            }
            return false;
        }
        expect(answer, 201, "mount blob " + digest + " from " + fromRepository + " into " + repository(image));
        return false;
    }

    /** PUTs a manifest under {@code tag}; returns its digest. */
    public String putManifest(ImageReference image, String tag, String mediaType, byte[] manifest) throws IOException {
        Answer response = send(image, true, Call.of("PUT", url(image, "manifests/" + tag))
                .header("Content-Type", mediaType).body(Body.of(manifest)));
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

    private Answer send(ImageReference image, boolean push, Call call) throws IOException {
        return send(image, push, "", call);
    }

    /** The token scope of a request to {@code image}'s repository; an Authorization is kept per registry and scope. */
    private static String scope(ImageReference image, boolean push, String alsoPull) {
        return "repository:" + image.getRepository() + ":" + (push ? "pull,push" : "pull")
                + (alsoPull.isEmpty() ? "" : " repository:" + alsoPull + ":pull");
    }

    /** {@code alsoPull}: another repository of the registry the request reads from (a mount's source), or "". */
    private Answer send(ImageReference image, boolean push, String alsoPull, Call call) throws IOException {
        String scope = scope(image, push, alsoPull);
        String key = image.getRegistry() + " " + scope;
        String authorization = authorizations.get(key);
        if (authorization != null) {
            call.header("Authorization", authorization);
        }
        Answer response = exchange(call);
        if (response.status() != 401) {
            return response;
        }
        Optional<String> challenge = response.header("WWW-Authenticate");
        if (challenge.isEmpty()) {
            return response;
        }
        response.close();
        authorization = authorize(image, challenge.get(), scope);
        authorizations.put(key, authorization);
        Answer authorized = exchange(call.header("Authorization", authorization));
        if (authorized.status() == 401) {
            authorized.close();
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

    /** What a request sends: its length, and how to write it (again, when a 401 makes it go twice). */
    private interface Body {
        Body EMPTY = of(new byte[0]);

        long length() throws IOException;

        void writeTo(OutputStream out) throws IOException;

        static Body of(byte[] bytes) {
            return new Body() {
                @Override
                public long length() {
                    return bytes.length;
                }

                @Override
                public void writeTo(OutputStream out) throws IOException {
                    out.write(bytes);
                }
            };
        }

        /** The file's bytes, each chunk told to {@code sent} once it is written. */
        static Body of(Path file, LongConsumer sent) {
            return new Body() {
                @Override
                public long length() throws IOException {
                    return Files.size(file);
                }

                @Override
                public void writeTo(OutputStream out) throws IOException {
                    byte[] buffer = new byte[256 * 1024];
                    try (InputStream in = Files.newInputStream(file)) {
                        for (int n; (n = in.read(buffer)) > 0;) {
                            out.write(buffer, 0, n);
                            sent.accept(n);
                        }
                    }
                }
            };
        }
    }

    /** One request: method, URL, headers and body (none for GET, HEAD and DELETE). */
    private static final class Call {
        final String method;
        final URI uri;
        final Map<String, String> headers = new LinkedHashMap<>();
        Body body;
        /** A 200's body is handed over open, not read whole (a layer). */
        boolean streamed;

        private Call(String method, URI uri) {
            this.method = method;
            this.uri = uri;
        }

        static Call of(String method, URI uri) {
            return new Call(method, uri);
        }

        Call header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        Call body(Body content) {
            this.body = content;
            return this;
        }

        Call streamed() {
            this.streamed = true;
            return this;
        }
    }

    /**
     * What the registry answered: its status, headers and body, read whole, or (a streamed call's 200) left open in
     * {@code stream}, for the caller to read and close.
     */
    private record Answer(int status, Map<String, List<String>> headers, byte[] body, InputStream stream) {
        Optional<String> header(String name) {
            for (Map.Entry<String, List<String>> header : headers.entrySet()) {
                if (name.equalsIgnoreCase(header.getKey()) && !header.getValue().isEmpty()) {
                    return Optional.of(header.getValue().get(0));
                }
            }
            return Optional.empty();
        }

        void close() throws IOException {
            if (stream != null) {
                stream.close();
            }
        }
    }

    /**
     * Sends {@code call} and reads the answer, following a GET's or HEAD's redirects (a registry may send a blob from
     * elsewhere): never from HTTPS to plain HTTP, and without the registry's Authorization to another host.
     */
    private Answer exchange(Call call) throws IOException {
        URI uri = call.uri;
        Map<String, String> headers = call.headers;
        for (int redirects = 0;; redirects++) {
            Answer answer = exchangeOnce(call, uri, headers);
            boolean redirect = answer.status() == 301 || answer.status() == 302 || answer.status() == 303
                    || answer.status() == 307 || answer.status() == 308;
            Optional<String> location = answer.header("Location");
            if (!redirect || location.isEmpty() || !(call.method.equals("GET") || call.method.equals("HEAD"))
                    || redirects == MAX_REDIRECTS) {
                return answer;
            }
            answer.close();
            URI next = uri.resolve(location.get());
            if (uri.getScheme().equalsIgnoreCase("https") && !next.getScheme().equalsIgnoreCase("https")) {
                throw new IOException("cannot " + call.method + " " + describe(call.uri) + ": redirected from HTTPS to "
                        + next.getScheme());
            }
            if (!(next.getHost().equalsIgnoreCase(uri.getHost()) && next.getPort() == uri.getPort())) {
                headers = new LinkedHashMap<>(headers);
                headers.remove("Authorization");
            }
            uri = next;
        }
    }

    private static Answer exchangeOnce(Call call, URI uri, Map<String, String> headers) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        try {
            connection.setRequestMethod(call.method);
            connection.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
            connection.setReadTimeout(READ_TIMEOUT_MILLIS);
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            headers.forEach(connection::setRequestProperty);
            if (call.body != null) {
                connection.setDoOutput(true);
                long length = call.body.length();
                if (length > 0) {
                    // streamed as written, not held; an empty body is left to HttpURLConnection's own Content-Length
                    connection.setFixedLengthStreamingMode(length);
                }
                try (OutputStream out = new BodyStream(connection.getOutputStream())) {
                    call.body.writeTo(out);
                }
            }
            int status = connection.getResponseCode();
            Map<String, List<String>> answerHeaders = connection.getHeaderFields();
            InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            if (in == null) {
                return new Answer(status, answerHeaders, new byte[0], null);
            }
            if (call.streamed && status == 200) {
                // closed before its end, HttpURLConnection reads a short rest away or drops the connection
                return new Answer(status, answerHeaders, null, in);
            }
            try (in) {
                return new Answer(status, answerHeaders, in.readAllBytes(), null);
            }
        } catch (IOException e) {
            connection.disconnect();
            // the JDK's own messages are often empty (a refused or closed connection): say what was asked of whom
            throw new IOException("cannot " + call.method + " " + describe(uri) + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        }
    }

    /**
     * A request body's way to the registry. HttpURLConnection says only "Error writing request body to server" when
     * the registry closes or resets the connection under it; that is said here as what it is.
     */
    private static final class BodyStream extends FilterOutputStream {
        BodyStream(OutputStream connection) {
            super(connection);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw broken(e);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                out.close();
            } catch (IOException e) {
                throw broken(e);
            }
        }

        private static SocketException broken(IOException e) {
            // no cause: FailureMessages names the innermost IOException, which says nothing here
            return new SocketException("the connection was closed while the request body was sent ("
                    + e.getMessage() + ")");
        }
    }

    private static String describe(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
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
        Call request = Call.of("GET", tokenUri);
        if (basic != null) {
            request.header("Authorization", sendable(basic, tokenUri, image));
        }
        Answer response = exchange(request);
        if (response.status() != 200) {
            throw new IOException(image.getRegistry() + ": the token service answered HTTP " + response.status()
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

    private void expect(Answer response, int status, String what) throws IOException {
        int actual = response.status();
        if (actual != status) {
            byte[] answer = response.body() != null ? response.body() : new byte[0];
            String body = new String(answer, StandardCharsets.UTF_8).strip();
            throw new IOException(what + ": HTTP " + actual
                    + (body.isEmpty()
                            ? ""
                            : " " + credentials.redact(body.substring(0, Math.min(body.length(), 300)))));
        }
    }
}
