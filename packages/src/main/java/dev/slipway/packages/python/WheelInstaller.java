package dev.slipway.packages.python;

import dev.slipway.packages.layer.LayerDigest;
import dev.slipway.packages.layer.LayerEntry;
import dev.slipway.packages.layer.LayerTree;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/**
 * Installs hash-locked wheels into a layer the way pip would, without pip and without running
 * any code: files into site-packages, {@code .data/scripts} and console/GUI entry points into the
 * bin directory with the target's shebang, {@code INSTALLER} = {@code slipway} and a rewritten
 * {@code RECORD}. No {@code .pyc} files are written (Python compiles on first import).
 */
public final class WheelInstaller {

  private static final Pattern WHEEL_NAME = Pattern.compile(
      "([^-]+)-([^-]+)(?:-([0-9][^-]*))?-([^-]+)-([^-]+)-([^-]+)\\.whl");

  private final WheelSource source;
  private final WheelTarget target;
  private final HttpClient http;

  public WheelInstaller(WheelSource source, WheelTarget target) {
    this(source, target, HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(Duration.ofSeconds(20)).build());
  }

  public WheelInstaller(WheelSource source, WheelTarget target, HttpClient http) {
    this.source = Objects.requireNonNull(source, "source");
    this.target = Objects.requireNonNull(target, "target");
    this.http = Objects.requireNonNull(http, "http");
  }

  /** Installs every requirement of the lock into a new layer tree; refuses with every problem at once. */
  public LayerTree install(WheelLock lock) throws IOException {
    List<String> problems = new ArrayList<>();
    Map<String, String> owner = new TreeMap<>();
    LayerTree tree = new LayerTree();
    for (WheelRequirement r : lock.requirements()) {
      try {
        Map.Entry<String, byte[]> wheel = choose(r);
        for (LayerEntry e : unpack(r, wheel.getKey(), wheel.getValue())) {
          String previous = owner.putIfAbsent(e.path(), r.name());
          if (previous != null) {
            throw new IllegalArgumentException("/" + e.path() + " is also installed by " + previous);
          }
          tree.add(e);
        }
      } catch (IllegalArgumentException e) {
        problems.add(r + ": " + e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new WheelProblems(problems);
    }
    return tree;
  }

  /** {@link #install}, written as a reproducible layer tar. */
  public LayerDigest writeTar(WheelLock lock, Path file) throws IOException {
    return install(lock).writeTar(file);
  }

  /** The first offered wheel (by file name) that fits the target and has a locked hash. */
  private Map.Entry<String, byte[]> choose(WheelRequirement r) throws IOException {
    List<String> fitting = new ArrayList<>();
    List<String> sdists = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (WheelSource.Offered f : source.offered(r.name(), http)) {
      Matcher m = WHEEL_NAME.matcher(f.filename());
      if (!m.matches()) {
        if (f.filename().endsWith(".tar.gz") || f.filename().endsWith(".zip") || f.filename().endsWith(".tar.bz2")) {
          String v = f.filename().substring(0, f.filename().length() - (f.filename().endsWith(".zip") ? 4 : 7));
          if (v.endsWith("-" + r.version())) {
            sdists.add(f.filename());
          }
        }
        continue;
      }
      if (!WheelRequirement.normalise(m.group(1)).equals(r.name()) || !m.group(2).equals(r.version())) {
        continue;
      }
      if (!target.accepts(m.group(4), m.group(5), m.group(6))) {
        continue;
      }
      fitting.add(f.filename());
      byte[] bytes = WheelSource.read(f.location(), http);
      String sha = sha256Hex(bytes);
      if (r.sha256().contains(sha)) {
        return Map.entry(f.filename(), bytes);
      }
      refused.add(f.filename() + " has sha256 " + sha);
    }
    if (!refused.isEmpty()) {
      throw new IllegalArgumentException("hash mismatch, refused: " + String.join("; ", refused)
          + "; the lock allows " + String.join(", ", r.sha256()));
    }
    if (fitting.isEmpty() && !sdists.isEmpty()) {
      throw new IllegalArgumentException("only a source distribution is available (" + String.join(", ", sdists)
          + "); Slipway installs wheels only, never builds sdists");
    }
    throw new IllegalArgumentException("no wheel for Python " + target.pythonVersion() + " on " + target.machine()
        + " in " + describe(source));
  }

  private static String describe(WheelSource source) {
    return source instanceof WheelSource.Directory d ? "directory " + d.dir() : "index " + ((WheelSource.SimpleIndex) source).index();
  }

  private List<LayerEntry> unpack(WheelRequirement r, String filename, byte[] wheel) throws IOException {
    Matcher name = WHEEL_NAME.matcher(filename);
    if (!name.matches()) {
      throw new IllegalArgumentException(filename + " is not a wheel file name");
    }
    String distInfo = name.group(1) + "-" + name.group(2) + ".dist-info/";
    String dataDir = name.group(1) + "-" + name.group(2) + ".data/";
    Map<String, byte[]> files = new LinkedHashMap<>();
    Map<String, Integer> modes = new TreeMap<>();
    try (ZipFile zip = ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(wheel)).get()) {
      for (ZipArchiveEntry e : Collections.list(zip.getEntriesInPhysicalOrder())) {
        if (e.isDirectory()) {
          continue;
        }
        String path = LayerEntry.normalise(e.getName());
        try (var in = zip.getInputStream(e)) {
          files.put(path, in.readAllBytes());
        }
        modes.put(path, (e.getUnixMode() & 0111) != 0 ? 0755 : 0644);
      }
    }
    for (String required : List.of("METADATA", "WHEEL", "RECORD")) {
      if (!files.containsKey(distInfo + required)) {
        throw new IllegalArgumentException(filename + " has no " + distInfo + required);
      }
    }
    verifyRecord(filename, files, distInfo);
    String site = target.sitePackages();
    Map<String, LayerEntry> out = new TreeMap<>();
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      String path = f.getKey();
      if (path.equals(distInfo + "RECORD") || path.equals(distInfo + "INSTALLER")) {
        continue;
      }
      if (path.startsWith(dataDir)) {
        String rest = path.substring(dataDir.length());
        String scheme = rest.split("/", 2)[0];
        String inner = rest.substring(Math.min(rest.length(), scheme.length() + 1));
        switch (scheme) {
          case "purelib", "platlib" -> put(out, site + "/" + inner, modes.get(path), f.getValue());
          case "scripts" -> put(out, target.binDir() + "/" + inner, 0755, shebang(f.getValue()));
          case "data" -> put(out, target.prefix() + "/" + inner, modes.get(path), f.getValue());
          case "headers" -> put(out, target.prefix() + "/include/site/python" + target.pythonVersion() + "/"
              + name.group(1) + "/" + inner, 0644, f.getValue());
          default -> throw new IllegalArgumentException(filename + " has an unknown data scheme " + scheme);
        }
      } else {
        put(out, site + "/" + path, modes.get(path), f.getValue());
      }
    }
    byte[] entryPoints = files.get(distInfo + "entry_points.txt");
    if (entryPoints != null) {
      for (Map.Entry<String, String> script : EntryPoints.scripts(new String(entryPoints, StandardCharsets.UTF_8)).entrySet()) {
        put(out, target.binDir() + "/" + script.getKey(), 0755,
            EntryPoints.launcher(target.interpreter(), script.getValue()).getBytes(StandardCharsets.UTF_8));
      }
    }
    put(out, site + "/" + distInfo + "INSTALLER", 0644, "slipway\n".getBytes(StandardCharsets.UTF_8));
    put(out, site + "/" + distInfo + "RECORD", 0644, record(out.values(), site, site + "/" + distInfo + "RECORD"));
    return List.copyOf(out.values());
  }

  private static void put(Map<String, LayerEntry> out, String path, int mode, byte[] content) {
    LayerEntry e = LayerEntry.file(path, mode, content);
    if (out.put(e.path(), e) != null) {
      throw new IllegalArgumentException("the wheel installs /" + e.path() + " twice");
    }
  }

  /** pip rewrites {@code #!python} in .data/scripts to the target interpreter. */
  private byte[] shebang(byte[] script) {
    String text = new String(script, StandardCharsets.ISO_8859_1);
    if (text.startsWith("#!python")) {
      int eol = text.indexOf('\n');
      String rest = eol < 0 ? "" : text.substring(eol);
      return ("#!" + target.interpreter() + rest).getBytes(StandardCharsets.ISO_8859_1);
    }
    return script;
  }

  /** Every file listed in the wheel's RECORD with a hash must match it, as pip checks. */
  private static void verifyRecord(String filename, Map<String, byte[]> files, String distInfo) {
    String record = new String(files.get(distInfo + "RECORD"), StandardCharsets.UTF_8);
    for (String line : record.split("\r?\n")) {
      List<String> cols = Csv.split(line);
      if (cols.size() < 2 || cols.get(1).isEmpty()) {
        continue;
      }
      String path = LayerEntry.normalise(cols.get(0));
      byte[] content = files.get(path);
      if (content == null) {
        throw new IllegalArgumentException(filename + ": RECORD lists " + path + ", which is not in the wheel");
      }
      String[] hash = cols.get(1).split("=", 2);
      if (!hash[0].equals("sha256") || hash.length != 2 || !hash[1].equals(urlsafeSha256(content))) {
        throw new IllegalArgumentException(filename + ": " + path + " does not match its RECORD hash");
      }
    }
  }

  /** The installed RECORD: paths relative to site-packages, sorted, RECORD itself unhashed. */
  private static byte[] record(java.util.Collection<LayerEntry> entries, String site, String recordPath) {
    List<String> lines = new ArrayList<>();
    for (LayerEntry e : entries) {
      lines.add(Csv.quote(relative(site, "/" + e.path())) + ",sha256=" + urlsafeSha256(e.content().bytes()) + ","
          + e.content().size());
    }
    lines.add(Csv.quote(relative(site, recordPath)) + ",,");
    Collections.sort(lines);
    return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  static String relative(String from, String to) {
    List<String> a = List.of(LayerEntry.normalise(from).split("/"));
    List<String> b = List.of(LayerEntry.normalise(to).split("/"));
    int common = 0;
    while (common < a.size() && common < b.size() - 1 && a.get(common).equals(b.get(common))) {
      common++;
    }
    StringBuilder out = new StringBuilder();
    for (int i = common; i < a.size(); i++) {
      out.append("../");
    }
    out.append(String.join("/", b.subList(common, b.size())));
    return out.toString();
  }

  static String urlsafeSha256(byte[] content) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(digest(content));
  }

  static String sha256Hex(byte[] content) {
    return HexFormat.of().formatHex(digest(content));
  }

  private static byte[] digest(byte[] content) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(content);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
