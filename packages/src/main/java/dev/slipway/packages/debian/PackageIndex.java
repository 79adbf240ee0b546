package dev.slipway.packages.debian;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/** The packages of one {@link DebianSource}, as listed by its {@code Packages} files. */
public final class PackageIndex {

  private final DebianSource source;
  private final Map<String, List<DebianPackage>> byName;
  private final Map<String, List<DebianPackage>> byProvided;

  private PackageIndex(DebianSource source, List<DebianPackage> packages) {
    this.source = source;
    Map<String, List<DebianPackage>> names = new TreeMap<>();
    Map<String, List<DebianPackage>> provided = new TreeMap<>();
    for (DebianPackage p : packages) {
      if (!p.architecture().equals(source.architecture()) && !p.architecture().equals("all")) {
        continue;
      }
      names.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(p);
      for (Relation r : p.provides()) {
        provided.computeIfAbsent(r.name(), k -> new ArrayList<>()).add(p);
      }
    }
    // newest first, then by name, so every choice made from these lists is deterministic
    Comparator<DebianPackage> order = Comparator.comparing(DebianPackage::version).reversed()
        .thenComparing(DebianPackage::name).thenComparing(DebianPackage::architecture)
        .thenComparing(DebianPackage::filename);
    names.replaceAll((k, v) -> v.stream().sorted(order).toList());
    provided.replaceAll((k, v) -> v.stream().sorted(order).toList());
    this.byName = names;
    this.byProvided = provided;
  }

  /** An index over packages already parsed (for tests and callers with their own index). */
  public static PackageIndex of(DebianSource source, List<DebianPackage> packages) {
    return new PackageIndex(source, packages);
  }

  /** Reads {@code Packages.xz}, {@code Packages.gz} or {@code Packages} for every component. */
  public static PackageIndex load(DebianSource source) throws IOException {
    return load(source, Mirror.defaultClient());
  }

  public static PackageIndex load(DebianSource source, HttpClient http) throws IOException {
    Mirror mirror = new Mirror(http);
    List<DebianPackage> all = new ArrayList<>();
    for (String dir : source.indexDirectories()) {
      all.addAll(readFirstPresent(mirror, source, dir));
    }
    return new PackageIndex(source, all);
  }

  private static List<DebianPackage> readFirstPresent(Mirror mirror, DebianSource source, String dir)
      throws IOException {
    for (String name : List.of("Packages.xz", "Packages.gz", "Packages")) {
      InputStream raw;
      try {
        raw = mirror.open(source.mirror(), dir + name);
      } catch (FileNotFoundException e) {
        continue;
      }
      try (InputStream in = name.endsWith(".xz") ? new XZCompressorInputStream(raw)
          : name.endsWith(".gz") ? new GzipCompressorInputStream(raw) : raw) {
        return parse(new InputStreamReader(in, StandardCharsets.UTF_8));
      }
    }
    throw new FileNotFoundException("no Packages, Packages.gz or Packages.xz in " + source.mirror() + dir
        + " (" + source.describe() + ")");
  }

  /** Parses the text of a {@code Packages} file. */
  public static List<DebianPackage> parse(String text) {
    try {
      return parse(new StringReader(text));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<DebianPackage> parse(Reader reader) throws IOException {
    List<DebianPackage> packages = new ArrayList<>();
    BufferedReader lines = new BufferedReader(reader);
    Map<String, String> stanza = new LinkedHashMap<>();
    String last = null;
    String line;
    while ((line = lines.readLine()) != null) {
      if (line.isBlank()) {
        if (!stanza.isEmpty()) {
          packages.add(toPackage(stanza));
          stanza = new LinkedHashMap<>();
        }
        last = null;
      } else if (Character.isWhitespace(line.charAt(0))) {
        if (last != null) {
          stanza.merge(last, "\n" + line.strip(), String::concat);
        }
      } else {
        int colon = line.indexOf(':');
        if (colon <= 0) {
          throw new IOException("malformed Packages line: '" + line + "'");
        }
        last = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        stanza.put(last, line.substring(colon + 1).strip());
      }
    }
    if (!stanza.isEmpty()) {
      packages.add(toPackage(stanza));
    }
    return packages;
  }

  private static DebianPackage toPackage(Map<String, String> f) throws IOException {
    try {
      List<Relation> provides = Relation.parseField(f.get("provides")).stream().map(g -> g.get(0)).toList();
      return new DebianPackage(
          f.get("package"),
          DebianVersion.parse(f.getOrDefault("version", "")),
          f.getOrDefault("architecture", ""),
          Relation.parseField(f.get("depends")),
          Relation.parseField(f.get("pre-depends")),
          provides,
          f.get("filename"),
          Long.parseLong(f.getOrDefault("size", "-1")),
          f.getOrDefault("sha256", "").toLowerCase(Locale.ROOT),
          "yes".equalsIgnoreCase(f.get("essential")),
          f.get("priority"),
          f.get("multi-arch"));
    } catch (RuntimeException e) {
      throw new IOException("bad stanza for package '" + f.get("package") + "': " + e.getMessage(), e);
    }
  }

  public DebianSource source() {
    return source;
  }

  /** Real packages with this name, newest first. */
  public List<DebianPackage> named(String name) {
    return byName.getOrDefault(name, List.of());
  }

  /** Packages whose Provides lists this name, newest first. */
  public List<DebianPackage> providing(String name) {
    return byProvided.getOrDefault(name, List.of());
  }

  public int size() {
    return byName.values().stream().mapToInt(List::size).sum();
  }
}
