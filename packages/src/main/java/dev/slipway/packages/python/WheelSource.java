package dev.slipway.packages.python;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where wheel files come from: a local directory ({@code pip download -d DIR}) or a simple repository index such as
 * {@code https://pypi.example/simple/}, read as PEP 691 JSON when the server offers it, else as PEP 503 HTML
 * (with the {@code #sha256=} fragments PEP 503 allows). Configuration only.
 */
public sealed interface WheelSource {

    /** A directory holding {@code .whl} files. */
    record Directory(Path dir) implements WheelSource {
        public Directory {
            Objects.requireNonNull(dir, "dir");
        }

        @Override
        public String toString() {
            return "directory " + dir;
        }
    }

    /** A simple repository index: {@code INDEX/<normalised-name>/} lists the files. */
    record SimpleIndex(URI index) implements WheelSource {
        public SimpleIndex {
            String s = Objects.requireNonNull(index, "index").toString();
            if (!(s.startsWith("http://") || s.startsWith("https://") || s.startsWith("file:"))) {
                throw new IllegalArgumentException("index must be http(s):// or file:, got " + index);
            }
            index = URI.create(s.endsWith("/") ? s : s + "/");
        }

        @Override
        public String toString() {
            return "index " + index;
        }
    }

    static WheelSource directory(Path dir) {
        return new Directory(dir);
    }

    static WheelSource index(String url) {
        return new SimpleIndex(URI.create(url));
    }

    /**
     * One distribution file offered for a project: where it is, the SHA-256 the index states for it (if any), and
     * whether the index serves its core metadata alone (PEP 658/714: {@code location + ".metadata"}).
     */
    record Offered(String filename, URI location, Optional<String> sha256, boolean metadata) {
        public Offered(String filename, URI location) {
            this(filename, location, Optional.empty(), false);
        }

        /** The location without its {@code #sha256=} fragment. */
        public URI file() {
            return URI.create(location.toString().split("#", 2)[0]);
        }
    }

    ObjectMapper JSON = new ObjectMapper();
    String PEP_691 = "application/vnd.pypi.simple.v1+json";

    /** Every file offered for {@code project} (any version, wheels and sdists), sorted by name. */
    default List<Offered> offered(String project, HttpClient http) throws IOException {
        List<Offered> files = new ArrayList<>();
        if (this instanceof Directory d) {
            try (Stream<Path> s = Files.list(d.dir())) {
                for (Path p : s.sorted().toList()) {
                    String name = p.getFileName().toString();
                    String flat = WheelRequirement.normalise(name);
                    if (flat.startsWith(project + "-") && flat.length() > project.length() + 1
                            && Character.isDigit(flat.charAt(project.length() + 1))) {
                        files.add(new Offered(name, p.toUri()));
                    }
                }
            }
        } else if (this instanceof SimpleIndex i) {
            URI page = i.index().resolve(project + "/");
            Page fetched = page(page, http);
            if (fetched == null) {
                // not on this index (pip reads a 404 the same way): another index may have it
                return files;
            }
            if (fetched.contentType().startsWith(PEP_691)) {
                JsonNode root = JSON.readTree(fetched.body());
                for (JsonNode f : root.path("files")) {
                    String sha = f.path("hashes").path("sha256").asText("");
                    JsonNode meta = f.has("core-metadata") ? f.get("core-metadata") : f.path("dist-info-metadata");
                    files.add(new Offered(f.path("filename").asText(), page.resolve(f.path("url").asText()),
                            sha.isEmpty() ? Optional.empty() : Optional.of(sha.toLowerCase(Locale.ROOT)),
                            meta.isObject() || meta.asBoolean(false)));
                }
            } else {
                String html = new String(fetched.body(), StandardCharsets.UTF_8);
                Matcher m = Pattern.compile("<a\\s([^>]*)>", Pattern.CASE_INSENSITIVE).matcher(html);
                Pattern href = Pattern.compile("href=\"([^\"]+)\"", Pattern.CASE_INSENSITIVE);
                Pattern meta = Pattern.compile("data-(?:core|dist-info)-metadata=\"([^\"]*)\"",
                        Pattern.CASE_INSENSITIVE);
                while (m.find()) {
                    Matcher h = href.matcher(m.group(1));
                    if (!h.find()) {
                        continue;
                    }
                    URI location = page.resolve(h.group(1).replace("&amp;", "&"));
                    String path = location.getPath();
                    String name = path.substring(path.lastIndexOf('/') + 1);
                    Optional<String> sha = Optional.ofNullable(location.getFragment())
                            .filter(f -> f.startsWith("sha256=")).map(f -> f.substring(7).toLowerCase(Locale.ROOT));
                    Matcher md = meta.matcher(m.group(1));
                    files.add(new Offered(name, location, sha, md.find() && !md.group(1).equalsIgnoreCase("false")));
                }
            }
        }
        files.sort(java.util.Comparator.comparing(Offered::filename));
        return files;
    }

    /** An index page and the content type it came as. */
    record Page(String contentType, byte[] body) {
    }

    /** A page of an index, or null if the index has no such page; asks for PEP 691 JSON first, as pip does. */
    static Page page(URI location, HttpClient http) throws IOException {
        URI uri = URI.create(location.toString().split("#", 2)[0]);
        if ("file".equals(uri.getScheme())) {
            Path path = Path.of(uri);
            Path index = Files.isDirectory(path) ? path.resolve("index.html") : path;
            return Files.isRegularFile(index) ? new Page("text/html", Files.readAllBytes(index)) : null;
        }
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2))
                .header("Accept", PEP_691 + ", text/html;q=0.1").GET().build(), HttpResponse.BodyHandlers.ofByteArray(),
                http);
        if (r.statusCode() == 404) {
            return null;
        }
        if (r.statusCode() != 200) {
            throw new IOException("GET " + uri + " answered HTTP " + r.statusCode());
        }
        return new Page(r.headers().firstValue("Content-Type").orElse("text/html").toLowerCase(Locale.ROOT), r.body());
    }

    /** The bytes at {@code location}; for index pages and metadata files, which are small. */
    static byte[] read(URI location, HttpClient http) throws IOException {
        URI uri = URI.create(location.toString().split("#", 2)[0]);
        if ("file".equals(uri.getScheme())) {
            return Files.readAllBytes(Path.of(uri));
        }
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray(), http);
        if (r.statusCode() != 200) {
            throw new IOException("GET " + uri + " answered HTTP " + r.statusCode());
        }
        return r.body();
    }

    /**
     * Streams the file at {@code location} into {@code target} (through a partial file beside it) and returns its
     * SHA-256; the file is never held in memory, whatever its size.
     */
    static String download(URI location, HttpClient http, Path target) throws IOException {
        URI uri = URI.create(location.toString().split("#", 2)[0]);
        Files.createDirectories(target.getParent());
        Path partial = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".partial");
        try {
            String sha;
            if ("file".equals(uri.getScheme())) {
                try (InputStream in = Files.newInputStream(Path.of(uri))) {
                    sha = copyHashing(in, partial);
                }
            } else {
                HttpResponse<InputStream> r = send(
                        HttpRequest.newBuilder(uri).timeout(Duration.ofHours(1)).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream(), http);
                try (InputStream in = r.body()) {
                    if (r.statusCode() != 200) {
                        throw new IOException("GET " + uri + " answered HTTP " + r.statusCode());
                    }
                    sha = copyHashing(in, partial);
                }
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return sha;
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** The SHA-256 of a file, read in blocks. */
    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return copyHashing(in, null);
        }
    }

    private static String copyHashing(InputStream in, Path target) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        try (DigestInputStream digesting = new DigestInputStream(in, sha);
                OutputStream out = target == null ? OutputStream.nullOutputStream() : Files.newOutputStream(target)) {
            digesting.transferTo(out);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body, HttpClient http)
            throws IOException {
        try {
            return http.send(request, body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + request.uri(), e);
        }
    }
}
