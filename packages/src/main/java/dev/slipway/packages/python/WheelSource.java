package dev.slipway.packages.python;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where wheel files come from: a local directory ({@code pip download -d DIR}) or a PEP 503
 * simple index such as {@code https://pypi.example/simple/}. Configuration only.
 */
public sealed interface WheelSource {

  /** A directory holding {@code .whl} files. */
  record Directory(Path dir) implements WheelSource {
    public Directory {
      Objects.requireNonNull(dir, "dir");
    }
  }

  /** A PEP 503 simple index: {@code INDEX/<normalised-name>/} lists the files as links. */
  record SimpleIndex(URI index) implements WheelSource {
    public SimpleIndex {
      String s = Objects.requireNonNull(index, "index").toString();
      if (!(s.startsWith("http://") || s.startsWith("https://") || s.startsWith("file:"))) {
        throw new IllegalArgumentException("index must be http(s):// or file:, got " + index);
      }
      index = URI.create(s.endsWith("/") ? s : s + "/");
    }
  }

  static WheelSource directory(Path dir) {
    return new Directory(dir);
  }

  static WheelSource index(String url) {
    return new SimpleIndex(URI.create(url));
  }

  /** One distribution file offered for a project. */
  record Offered(String filename, URI location) {
  }

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
      String html = new String(read(page, http), StandardCharsets.UTF_8);
      Matcher m = Pattern.compile("<a\\s[^>]*href=\"([^\"]+)\"[^>]*>", Pattern.CASE_INSENSITIVE).matcher(html);
      while (m.find()) {
        URI href = page.resolve(m.group(1).replace("&amp;", "&"));
        String path = href.getPath();
        String name = path.substring(path.lastIndexOf('/') + 1);
        files.add(new Offered(name, href));
      }
    }
    files.sort(java.util.Comparator.comparing(Offered::filename));
    return files;
  }

  /** The bytes at {@code location} (the URI fragment, e.g. {@code #sha256=…}, is dropped). */
  static byte[] read(URI location, HttpClient http) throws IOException {
    URI uri = URI.create(location.toString().split("#", 2)[0]);
    if ("file".equals(uri.getScheme())) {
      return Files.readAllBytes(Path.of(uri));
    }
    try {
      HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).GET().build(),
          HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = r.body()) {
        if (r.statusCode() != 200) {
          throw new IOException("GET " + uri + " answered HTTP " + r.statusCode());
        }
        return in.readAllBytes();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching " + uri, e);
    }
  }
}
