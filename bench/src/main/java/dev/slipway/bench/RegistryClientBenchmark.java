package dev.slipway.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpHead;
import org.apache.http.client.methods.HttpPost;
import org.apache.http.client.methods.HttpPut;
import org.apache.http.entity.ByteArrayEntity;
import org.apache.http.entity.ContentType;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;
import org.apache.http.util.EntityUtils;

/**
 * What one HTTP client costs a fresh JVM for the small requests a cold build sends its registry: {@code uploads}
 * small blobs, each a HEAD, a POST that starts the upload and a PUT with the bytes, on 4 threads, into 20
 * repositories of the registry at {@code REGISTRY_URL} (the script starts one on loopback). Run once per JVM under {@code /usr/bin/time} by
 * {@code bench/registry-clients.sh}.
 *
 * <p>Usage: {@code RegistryClientBenchmark jdk|urlconnection|apache REGISTRY_URL UPLOADS}
 */
public final class RegistryClientBenchmark {
    private static final int THREADS = 4;

    private RegistryClientBenchmark() {
    }

    /** One client's way to send the three requests of an upload. */
    private interface Client {
        void upload(String base, String repository, String digest, byte[] blob) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        String base = args[1];
        int uploads = Integer.parseInt(args[2]);
        Client client = switch (args[0]) {
            case "jdk" -> jdk();
            case "urlconnection" -> RegistryClientBenchmark::urlConnection;
            case "apache" -> apache();
            default -> throw new IllegalArgumentException("client: jdk, urlconnection or apache, not " + args[0]);
        };
        String run = Long.toString(System.nanoTime());
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        long started = System.nanoTime();
        List<Future<?>> work = new ArrayList<>();
        for (int i = 0; i < uploads; i++) {
            int n = i;
            work.add(pool.submit(() -> {
                byte[] blob = ("blob " + n + " of run " + run).getBytes(StandardCharsets.UTF_8);
                String digest = "sha256:"
                        + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob));
                client.upload(base, "/v2/bench/r" + (n % 20), digest, blob);
                return null;
            }));
        }
        for (Future<?> one : work) {
            one.get();
        }
        pool.shutdown();
        System.out.printf("%s: %d uploads (%d requests) in %.2f s%n", args[0], uploads, 3 * uploads,
                (System.nanoTime() - started) / 1e9);
    }

    private static URI committing(String base, String location, String digest) {
        URI upload = URI.create(base).resolve(location);
        return URI.create(upload + (upload.getQuery() == null ? "?" : "&") + "digest=" + digest);
    }

    private static Client jdk() {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return (base, repository, digest, blob) -> {
            http.send(HttpRequest.newBuilder(URI.create(base + repository + "/blobs/" + digest))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding());
            HttpResponse<Void> started = http.send(HttpRequest.newBuilder(URI.create(base + repository
                    + "/blobs/uploads/")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding());
            String location = started.headers().firstValue("Location").orElseThrow();
            HttpResponse<Void> put = http.send(HttpRequest.newBuilder(committing(base, location, digest))
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(blob)).build(),
                    HttpResponse.BodyHandlers.discarding());
            expect201(put.statusCode());
        };
    }

    private static void urlConnection(String base, String repository, String digest, byte[] blob)
            throws IOException {
        HttpURLConnection head = (HttpURLConnection) URI.create(base + repository + "/blobs/" + digest).toURL()
                .openConnection();
        head.setRequestMethod("HEAD");
        head.getResponseCode();
        HttpURLConnection start = (HttpURLConnection) URI.create(base + repository + "/blobs/uploads/").toURL()
                .openConnection();
        start.setRequestMethod("POST");
        start.setDoOutput(true);
        start.getOutputStream().close();
        start.getResponseCode();
        String location = start.getHeaderField("Location");
        try (InputStream body = start.getInputStream()) {
            body.readAllBytes();
        }
        HttpURLConnection put = (HttpURLConnection) committing(base, location, digest).toURL().openConnection();
        put.setRequestMethod("PUT");
        put.setDoOutput(true);
        put.setFixedLengthStreamingMode(blob.length);
        put.setRequestProperty("Content-Type", "application/octet-stream");
        try (OutputStream out = put.getOutputStream()) {
            out.write(blob);
        }
        expect201(put.getResponseCode());
        try (InputStream body = put.getInputStream()) {
            body.readAllBytes();
        }
    }

    private static Client apache() {
        PoolingHttpClientConnectionManager connections = new PoolingHttpClientConnectionManager();
        connections.setMaxTotal(32);
        connections.setDefaultMaxPerRoute(32);
        CloseableHttpClient http = HttpClients.custom().setConnectionManager(connections).disableCookieManagement()
                .build();
        return (base, repository, digest, blob) -> {
            try (CloseableHttpResponse head = http.execute(new HttpHead(base + repository + "/blobs/" + digest))) {
                EntityUtils.consume(head.getEntity());
            }
            String location;
            try (CloseableHttpResponse started = http.execute(new HttpPost(base + repository + "/blobs/uploads/"))) {
                location = started.getFirstHeader("Location").getValue();
                EntityUtils.consume(started.getEntity());
            }
            HttpPut put = new HttpPut(committing(base, location, digest));
            put.setEntity(new ByteArrayEntity(blob, ContentType.APPLICATION_OCTET_STREAM));
            try (CloseableHttpResponse done = http.execute(put)) {
                expect201(done.getStatusLine().getStatusCode());
                EntityUtils.consume(done.getEntity());
            }
        };
    }

    private static void expect201(int status) throws IOException {
        if (status != 201) {
            throw new IOException("the registry answered the blob PUT with HTTP " + status + ", not 201");
        }
    }
}
