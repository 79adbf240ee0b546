package dev.slipway.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.testkit.LocalDockerd;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.ScratchDirectory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seed fleet's CPU families (fleet-definition's base-python → base-utils → base-cpu-pydeps → family-web, the very
 * Family objects of FleetDefinition) and one of its CPU services, with a small FastAPI app under a temporary
 * {@code --dir}: Debian's client fills the repository, the committed locks are built, pushed to a real registry and
 * run in a real dockerd.
 */
class SeedFleetEndToEndTest {
    private static final Path SEED = Path.of("..", "fleet-definition");
    private static final String TAG = "seed-e2e";
    private static final String SERVICE = "unified_observability_center";

    static Path work;
    static Path repo;
    static Path fleet;

    @BeforeAll
    static void repositoryAndFleetDirectory() throws Exception {
        work = Files.createTempDirectory("slipway-seed-fleet");
        repo = work.resolve("debian-repo");
        CliRun.makeDebianRepository(SEED.resolve("make-debian-repo.sh"), work.resolve("make-debian-repo.log"),
                repo.toString());

        fleet = Files.createDirectories(work.resolve("fleet"));
        // the seed fleet's committed Debian locks, as a checkout has them
        Files.createDirectories(fleet.resolve("locks"));
        try (Stream<Path> locks = Files.list(SEED.resolve("locks"))) {
            for (Path lock : locks.filter(l -> l.toString().endsWith(".debian.lock")).toList()) {
                Files.copy(lock, fleet.resolve("locks").resolve(lock.getFileName()));
            }
        }
        Path app = Files.createDirectories(fleet.resolve("services").resolve(SERVICE).resolve(SERVICE));
        Files.writeString(app.resolve("__init__.py"), "");
        Files.writeString(app.resolve("__main__.py"), """
                import os
                import threading
                from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

                import fastapi
                import uvicorn

                api = fastapi.FastAPI()


                @api.get("/")
                def root():
                    return {"service": "unified_observability_center", "fastapi": fastapi.__version__}


                class Health(BaseHTTPRequestHandler):
                    def do_GET(self):
                        if self.path != "/health":
                            self.send_error(404)
                            return
                        body = b'{"status":"ok"}'
                        self.send_response(200)
                        self.send_header("Content-Type", "application/json")
                        self.send_header("Content-Length", str(len(body)))
                        self.end_headers()
                        self.wfile.write(body)

                    def log_message(self, *args):
                        pass


                health = ThreadingHTTPServer(("0.0.0.0", int(os.environ["HEALTH_PORT"])), Health)
                threading.Thread(target=health.serve_forever, daemon=True).start()
                uvicorn.run(api, host="0.0.0.0", port=int(os.environ["SERVICE_PORT"]), log_level="warning")
                """);
        // the seed fleet's CPU families as FleetDefinition declares them, and its service's row
        Files.writeString(fleet.resolve("SeedCpuFleet.java"), """
                import static dev.slipway.dsl.Slipway.fleet;
                import static dev.slipway.dsl.Slipway.service;
                import static dev.slipway.fleet.FleetDefinition.BASE_CPU_PYDEPS;
                import static dev.slipway.fleet.FleetDefinition.BASE_PYTHON;
                import static dev.slipway.fleet.FleetDefinition.BASE_UTILS;
                import static dev.slipway.fleet.FleetDefinition.FAMILY_WEB;
                import static dev.slipway.machines.MachineProfiles.PC2;

                import dev.slipway.dsl.FleetDefinitionSource;
                import dev.slipway.dsl.FleetSpec;

                public final class SeedCpuFleet implements FleetDefinitionSource {
                    @Override
                    public FleetSpec define() {
                        return fleet("ai_system").registry("127.0.0.1:5000/slipway").machines(PC2)
                                .families(BASE_PYTHON, BASE_UTILS, BASE_CPU_PYDEPS, FAMILY_WEB)
                                .services(service("unified_observability_center").family(FAMILY_WEB).ports(9100, 9110)
                                        .on(PC2).app("services/unified_observability_center")
                                        .command("python3", "-m", "unified_observability_center"));
                    }
                }
                """);
    }

    @AfterAll
    static void cleanUp() throws IOException {
        if (work != null) {
            ScratchDirectory.deleteTree(work);
        }
    }

    @Test
    void theCommittedLocksAreWhatLockWritesFromTodaysRepository() throws Exception {
        Path relocked = Files.createDirectories(work.resolve("relocked"));
        Files.copy(fleet.resolve("SeedCpuFleet.java"), relocked.resolve("SeedCpuFleet.java"));
        // a dpkg-scanpackages repository has no signature: it is named unsigned, as the committed locks record
        CliRun lock = cli("lock", "--fleet", relocked.resolve("SeedCpuFleet.java").toString(), "--debian-mirror",
                "unsigned:" + repo);
        assertEquals(0, lock.exitCode(), lock.err());
        for (String family : List.of("base-python", "base-utils", "base-cpu-pydeps", "family-web")) {
            String file = family + ".debian.lock";
            assertTrue(Files.readString(relocked.resolve("locks").resolve(file)).contains("\nindex unsigned\n"));
            assertTrue(Files.readString(fleet.resolve("locks").resolve(file)).startsWith("# slipway debian lock v2\n")
                    && Files.readString(fleet.resolve("locks").resolve(file)).contains("\nindex unsigned\n"),
                    file + " is a v1 lock: run fleet-definition/make-debian-repo.sh and `lock` again (docs/families.md)");
            // the source line names where this run's repository was; the pinned packages are what must agree
            assertEquals(packageLines(fleet.resolve("locks").resolve(file)),
                    packageLines(relocked.resolve("locks").resolve(file)),
                    file + " is stale: run fleet-definition/make-debian-repo.sh and `lock` again (docs/families.md)");
        }
        assertTrue(packageLines(fleet.resolve("locks/base-utils.debian.lock")).stream()
                .anyMatch(l -> l.startsWith("package gosu ")));
    }

    @Test
    void theSeedServiceRunsOnFamilyWebWithEverythingSpecPromises() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start();
                LocalDockerd docker = LocalDockerd.builder().insecureRegistry(registry.host()).start()) {
            String org = registry.host() + "/slipway";
            CliRun build = cli("build", "--fleet", fleet.resolve("SeedCpuFleet.java").toString(), "--dir",
                    fleet.toString(), "--debian-mirror", repo.toString(), "--registry", org, "--insecure", "--tag",
                    TAG, "--cache", work.resolve("cache").toString());
            assertEquals(0, build.exitCode(), build.out() + build.err());
            String image = org + "/ai_system/" + SERVICE + ":" + TAG + "-pc2";
            String name = "seed-e2e-" + SERVICE;
            docker.docker(Duration.ofMinutes(5), "pull", image).requireSuccess();
            docker.docker("run", "-d", "--network", "host", "--name", name, image).requireSuccess();
            try {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(2)).build();
                HttpResponse<String> health = await(http, "http://127.0.0.1:9110/health", docker, name);
                assertEquals(200, health.statusCode());
                assertEquals("{\"status\":\"ok\"}", health.body());
                // uvicorn binds the service port a moment after the health server is up
                HttpResponse<String> api = await(http, "http://127.0.0.1:9100/", docker, name);
                assertEquals(200, api.statusCode(), api.body());
                assertTrue(api.body().contains("\"service\":\"unified_observability_center\""), api.body());

                assertEquals("tini", exec(docker, name, "python3", "-c",
                        "print(open('/proc/1/comm').read().strip())"));
                assertEquals("10001 10001 appuser", exec(docker, name, "python3", "-c",
                        "import os, pwd; print(os.getuid(), os.getgid(), pwd.getpwuid(os.getuid()).pw_name)"));
                assertTrue(exec(docker, name, "python3", "--version").startsWith("Python 3.11."));
                assertEquals("ok", exec(docker, name, "python3", "-c",
                        "import numpy, fastapi, uvicorn, starlette, websockets, pydantic; print('ok')"));
                assertEquals("/usr/bin/curl /usr/bin/dumb-init /usr/sbin/gosu /usr/bin/gunicorn", exec(docker, name,
                        "python3", "-c", "import shutil; print(*(shutil.which(t) for t in "
                                + "('curl', 'dumb-init', 'gosu', 'gunicorn')))"));
                // the tools run, not only exist: their libraries are in the image too
                String curl = exec(docker, name, "curl", "--version");
                assertTrue(curl.startsWith("curl 7.88.1"), curl);
                assertEquals("{\"status\":\"ok\"}", exec(docker, name, "curl", "-s", "http://127.0.0.1:9110/health"));
                assertEquals("under dumb-init", exec(docker, name, "dumb-init", "python3", "-c",
                        "print('under dumb-init')"));
                String gosu = exec(docker, name, "gosu", "--version");
                assertTrue(gosu.startsWith("1.14"), gosu);
                assertEquals("Etc/UTC", exec(docker, name, "python3", "-c",
                        "import zoneinfo, os; print(zoneinfo.ZoneInfo(os.environ['TZ']).key)"));
                // appuser's HOME exists and is its own
                assertEquals("/home/appuser written", exec(docker, name, "python3", "-c",
                        "import os, pathlib; h = pathlib.Path(os.environ['HOME']); (h / 'probe').write_text('x'); "
                                + "print(h, 'written')"));
            } finally {
                docker.docker("rm", "-f", name);
            }
        }
    }

    private static HttpResponse<String> await(HttpClient http, String url, LocalDockerd docker, String name)
            throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (true) {
            try {
                return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError(name + " never answered " + url + "; logs: "
                            + docker.docker("logs", name).stdout() + docker.docker("logs", name).stderr(), e);
                }
                Thread.sleep(250);
            }
        }
    }

    private static String exec(LocalDockerd docker, String container, String... command) {
        List<String> args = new ArrayList<>(List.of("exec", container));
        args.addAll(List.of(command));
        return docker.docker(args.toArray(String[]::new)).requireSuccess().stdout().strip();
    }

    private static List<String> packageLines(Path lock) throws IOException {
        return Files.readAllLines(lock).stream().filter(line -> line.startsWith("package ")).toList();
    }

    private static CliRun cli(String... args) {
        CliRun run = CliRun.of(args);
        assertFalse(run.err().contains("\tat "), run.err());
        return run;
    }
}
