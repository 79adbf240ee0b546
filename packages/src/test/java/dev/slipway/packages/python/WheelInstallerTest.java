package dev.slipway.packages.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.slipway.packages.layer.LayerDigest;
import dev.slipway.packages.layer.LayerEntry;
import dev.slipway.packages.layer.LayerTree;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WheelInstallerTest {

    @TempDir
    Path work;

    /** A real (tiny) wheel: a zip with dist-info METADATA, WHEEL, RECORD and the files RECORD lists. */
    static byte[] wheel(String dist, String version, Map<String, String> files) throws IOException {
        String info = dist + "-" + version + ".dist-info/";
        Map<String, String> all = new LinkedHashMap<>(files);
        all.put(info + "METADATA", "Metadata-Version: 2.1\nName: " + dist + "\nVersion: " + version + "\n");
        all.put(info + "WHEEL",
                "Wheel-Version: 1.0\nGenerator: slipway-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n");
        StringBuilder record = new StringBuilder();
        for (Map.Entry<String, String> f : all.entrySet()) {
            byte[] b = f.getValue().getBytes(StandardCharsets.UTF_8);
            record.append(f.getKey()).append(",sha256=").append(WheelInstaller.urlsafeSha256(b)).append(',')
                    .append(b.length).append('\n');
        }
        record.append(info).append("RECORD,,\n");
        all.put(info + "RECORD", record.toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(out)) {
            for (Map.Entry<String, String> f : all.entrySet()) {
                ZipArchiveEntry e = new ZipArchiveEntry(f.getKey());
                e.setUnixMode(f.getKey().contains("scripts/") ? 0100755 : 0100644);
                zip.putArchiveEntry(e);
                zip.write(f.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    static final Map<String, String> DEMO = Map.of(
            "demo/__init__.py", "def main():\n    print('hello from demo')\n",
            "demo-1.0.data/scripts/demo-raw", "#!python\nimport demo\ndemo.main()\n",
            "demo-1.0.dist-info/entry_points.txt", "[console_scripts]\ndemo = demo:main\n\n[demo.plugins]\nx = y:z\n");

    private Path wheels() throws IOException {
        Path dir = Files.createDirectories(work.resolve("wheels"));
        Files.write(dir.resolve("demo-1.0-py3-none-any.whl"), wheel("demo", "1.0", DEMO));
        Files.write(dir.resolve("demo-1.0-cp311-cp311-win_amd64.whl"), wheel("demo", "1.0", DEMO));
        Files.write(dir.resolve("tiny_util-2.0-py3-none-any.whl"), wheel("tiny_util", "2.0",
                Map.of("tiny_util.py", "VALUE = 42\n")));
        Files.writeString(dir.resolve("only-sdist-3.0.tar.gz"), "not a wheel");
        return dir;
    }

    private static String hash(Path file) throws IOException {
        return WheelInstaller.sha256Hex(Files.readAllBytes(file));
    }

    private WheelLock lock(Path dir) throws IOException {
        return WheelLock.parse("demo==1.0 --hash=sha256:" + hash(dir.resolve("demo-1.0-py3-none-any.whl")) + "\n"
                + "tiny-util==2.0 \\\n  --hash=sha256:" + hash(dir.resolve("tiny_util-2.0-py3-none-any.whl")) + "\n");
    }

    static final WheelTarget TARGET = WheelTarget.usrLocal("3.11");

    @Test
    void installsLikePipAndTheResultRuns() throws Exception {
        Path dir = wheels();
        Path tar = work.resolve("wheels.tar");
        new WheelInstaller(WheelSource.directory(dir), TARGET).writeTar(lock(dir), tar);
        Path root = Files.createDirectories(work.resolve("root"));
        run(root, "tar", "-xpf", tar.toString());
        Path site = root.resolve("usr/local/lib/python3.11/site-packages");
        assertEquals("slipway\n", Files.readString(site.resolve("demo-1.0.dist-info/INSTALLER")));
        String record = Files.readString(site.resolve("demo-1.0.dist-info/RECORD"));
        assertTrue(record.contains("../../../bin/demo,sha256="), record);
        assertTrue(record.contains("demo-1.0.dist-info/RECORD,,\n"), record);
        String launcher = Files.readString(root.resolve("usr/local/bin/demo"));
        assertTrue(launcher.startsWith("#!/usr/bin/python3\n"), launcher);
        assertTrue(Files.readString(root.resolve("usr/local/bin/demo-raw")).startsWith("#!/usr/bin/python3\n"));
        assertEquals("rwxr-xr-x", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(root.resolve("usr/local/bin/demo"))));
        // the host's real python3 runs the console script and reads the metadata pip-style
        Map<String, String> env = Map.of("PYTHONPATH", site.toString());
        assertEquals("hello from demo\n", run(root, env, "python3", root.resolve("usr/local/bin/demo").toString()));
        assertEquals("hello from demo\n", run(root, env, "python3", root.resolve("usr/local/bin/demo-raw").toString()));
        String checked = run(root, env, "python3", "-c", String.join("\n",
                "import importlib.metadata as m, hashlib, base64, os",
                "d = m.distribution('demo')",
                "bad = [str(f) for f in d.files if f.hash and base64.urlsafe_b64encode(hashlib.sha256(open(f.locate(),'rb').read()).digest()).rstrip(b'=').decode() != f.hash.value]",
                "print(d.read_text('INSTALLER').strip(), len(d.files), bad, m.version('tiny-util'))"));
        assertEquals("slipway 8 [] 2.0\n", checked);
    }

    @Test
    void sameLockGivesTheSameBytes() throws Exception {
        Path dir = wheels();
        LayerDigest a = new WheelInstaller(WheelSource.directory(dir), TARGET).writeTar(lock(dir),
                work.resolve("a.tar"));
        LayerDigest b = new WheelInstaller(WheelSource.directory(dir), TARGET).writeTar(lock(dir),
                work.resolve("b.tar"));
        assertEquals(a, b);
    }

    @Test
    void sitePackagesAndInterpreterAreParameters() throws Exception {
        Path dir = wheels();
        LayerTree tree = new WheelInstaller(WheelSource.directory(dir),
                TARGET.withSitePackages("/usr/lib/python3/dist-packages").withInterpreter("/usr/bin/python3.11"))
                .install(lock(dir));
        LayerEntry init = tree.get("/usr/lib/python3/dist-packages/demo/__init__.py").orElseThrow();
        assertEquals(0644, init.mode());
        assertTrue(new String(tree.get("/usr/local/bin/demo").orElseThrow().content().bytes(), StandardCharsets.UTF_8)
                .startsWith("#!/usr/bin/python3.11\n"));
    }

    @Test
    void refusesWrongHashSdistsAndMissingWheelsNamingThem() throws Exception {
        Path dir = wheels();
        WheelLock lock = WheelLock.parse("demo==1.0 --hash=sha256:" + "0".repeat(64) + "\n"
                + "only-sdist==3.0 --hash=sha256:" + "1".repeat(64) + "\n"
                + "absent==1.0 --hash=sha256:" + "2".repeat(64) + "\n");
        WheelProblems e = assertThrows(WheelProblems.class,
                () -> new WheelInstaller(WheelSource.directory(dir), TARGET).install(lock));
        List<String> p = e.problems();
        assertEquals(3, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("absent==1.0: no wheel"), p.get(0));
        assertTrue(p.get(1).startsWith("demo==1.0: hash mismatch, refused: demo-1.0-py3-none-any.whl"), p.get(1));
        assertTrue(
                p.get(2).startsWith("only-sdist==3.0: only a source distribution is available (only-sdist-3.0.tar.gz)"),
                p.get(2));
    }

    @Test
    void wheelWhoseFilesDoNotMatchItsRecordIsRefused() throws Exception {
        Path dir = Files.createDirectories(work.resolve("bad"));
        byte[] good = wheel("demo", "1.0", DEMO);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // same RECORD, one file changed after the fact
        try (var in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(good));
                ZipOutputStream zip = new ZipOutputStream(out)) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                zip.putNextEntry(new ZipEntry(e.getName()));
                byte[] b = in.readAllBytes();
                zip.write(e.getName().equals("demo/__init__.py")
                        ? "import os; os.system('evil')\n".getBytes(StandardCharsets.UTF_8)
                        : b);
            }
        }
        Files.write(dir.resolve("demo-1.0-py3-none-any.whl"), out.toByteArray());
        WheelLock lock = WheelLock.parse("demo==1.0 --hash=sha256:" + hash(dir.resolve("demo-1.0-py3-none-any.whl")));
        WheelProblems e = assertThrows(WheelProblems.class,
                () -> new WheelInstaller(WheelSource.directory(dir), TARGET).install(lock));
        assertTrue(e.getMessage().contains("demo/__init__.py does not match its RECORD hash"), e.getMessage());
    }

    @Test
    void simpleIndexOverLoopbackHttp() throws Exception {
        Path dir = wheels();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body;
            if (path.startsWith("/simple/") && path.endsWith("/")) {
                String project = path.substring("/simple/".length(), path.length() - 1);
                StringBuilder html = new StringBuilder("<!DOCTYPE html><html><body>\n");
                try (var s = Files.list(dir)) {
                    for (Path f : s.sorted().toList()) {
                        String n = f.getFileName().toString();
                        if (WheelRequirement.normalise(n).startsWith(project + "-")) {
                            html.append("<a href=\"../../files/").append(n).append("#sha256=").append(hash(f))
                                    .append("\">")
                                    .append(n).append("</a><br/>\n");
                        }
                    }
                }
                body = html.append("</body></html>\n").toString().getBytes(StandardCharsets.UTF_8);
            } else if (path.startsWith("/files/") && Files.isRegularFile(dir.resolve(path.substring(7)))) {
                body = Files.readAllBytes(dir.resolve(path.substring(7)));
            } else {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(body);
            }
        });
        server.start();
        try {
            WheelSource index = WheelSource.index("http://127.0.0.1:" + server.getAddress().getPort() + "/simple");
            LayerDigest overHttp = new WheelInstaller(index, TARGET).writeTar(lock(dir), work.resolve("http.tar"));
            LayerDigest local = new WheelInstaller(WheelSource.directory(dir), TARGET).writeTar(lock(dir),
                    work.resolve("local.tar"));
            assertEquals(local, overHttp);
        } finally {
            server.stop(0);
        }
    }

    static String run(Path dir, String... command) throws Exception {
        return run(dir, Map.of(), command);
    }

    static String run(Path dir, Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
        return out;
    }
}
