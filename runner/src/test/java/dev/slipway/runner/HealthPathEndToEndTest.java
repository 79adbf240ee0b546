package dev.slipway.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.model.HealthCheck;
import dev.slipway.testkit.FreePort;
import dev.slipway.testkit.LocalDockerd;
import dev.slipway.testkit.LocalRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plan's one health check reaches every reader: a service whose health check probes {@code /ready} (and whose
 * {@code /health} does not exist) gets {@code /ready} in the container's Docker health check and passes
 * Slipway's rollout gate on {@code /ready}. The same apply loads and compiles the {@code .java} definition once.
 */
class HealthPathEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void aNonDefaultHealthPathReachesTheEngineCheckAndTheGateAndApplyCompilesOnce() throws Exception {
        int servicePort = FreePort.onLoopback();
        int healthPort = FreePort.onLoopback();
        Path definition = writeFleet(servicePort, healthPort);
        Path app = dir.resolve("services/ready/www");
        Files.createDirectories(app);
        Files.writeString(app.resolve("ready"), HealthCheck.HEALTHY_BODY);

        try (LocalRegistry registry = LocalRegistry.start();
                LocalDockerd docker = LocalDockerd.builder().insecureRegistry(registry.host()).start()) {
            BusyboxBase.writeInto(dir, docker);

            CliRun plan = CliRun.of("plan", "--fleet", definition.toString(), "--tag", "r1");
            assertEquals(0, plan.exitCode(), plan.err());
            assertTrue(plan.out().contains("health check on " + healthPort + " (GET /ready)"), plan.out());

            CliRun apply = CliRun.of("apply", "--fleet", definition.toString(), "--tag", "r1", "--registry",
                    registry.host() + "/slipway", "--insecure", "--host", "mainpc=" + docker.dockerHost(),
                    "--cache", dir.resolve("cache").toString(), "--audit-log", dir.resolve("audit.jsonl").toString());

            assertEquals(0, apply.exitCode(), apply.out() + apply.err());
            assertEquals(1, Pattern.compile("^Definition .*\\(compiled with javac\\)$", Pattern.MULTILINE)
                    .matcher(apply.out()).results().count(), apply.out());
            assertEquals(1, Pattern.compile("^Definition ", Pattern.MULTILINE).matcher(apply.out()).results().count(),
                    "apply loads the definition once: " + apply.out());
            assertTrue(apply.out().contains("ready@mainpc: healthy after"), apply.out());
            String test = docker.docker("inspect", "-f", "{{json .Config.Healthcheck.Test}}", "readyfleet.ready")
                    .requireSuccess().stdout();
            assertTrue(test.contains("127.0.0.1:" + healthPort + "/ready"), test);
            assertEquals("/ready", docker.docker("inspect", "-f",
                    "{{index .Config.Labels \"dev.slipway.health-path\"}}", "readyfleet.ready").requireSuccess()
                    .stdout().strip());
            HttpClient http = HttpClient.newHttpClient();
            assertEquals(404, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort
                    + "/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode(),
                    "/health does not exist, so only a gate on /ready can have passed");
            docker.docker("rm", "-f", "readyfleet.ready");
        }
    }

    private Path writeFleet(int servicePort, int healthPort) throws Exception {
        Path file = dir.resolve("ReadyFleet.java");
        Files.writeString(file, """
                import static dev.slipway.dsl.Slipway.family;
                import static dev.slipway.dsl.Slipway.fleet;
                import static dev.slipway.dsl.Slipway.service;
                import static dev.slipway.machines.MachineProfiles.MAINPC;

                import dev.slipway.dsl.Base;
                import dev.slipway.dsl.Family;
                import dev.slipway.dsl.FleetDefinitionSource;
                import dev.slipway.dsl.FleetSpec;
                import dev.slipway.dsl.HealthProbe;
                import dev.slipway.dsl.Rollout;
                import dev.slipway.model.HealthCheck;
                import java.time.Duration;

                public final class ReadyFleet implements FleetDefinitionSource {
                    @Override
                    public FleetSpec define() {
                        Family busybox = family("busybox").from(Base.tarball("base/busybox-tini.tar"))
                                .healthProbe(HealthProbe.BUSYBOX_WGET);
                        return fleet("readyfleet").registry("registry.invalid/slipway").machines(MAINPC)
                                .families(busybox)
                                .services(service("ready").family(busybox).ports(SERVICE_PORT, HEALTH_PORT)
                                        .on(MAINPC).app("services/ready")
                                        .command("httpd", "-f", "-p", "HEALTH_PORT", "-h", "/app/www")
                                        .healthCheck(new HealthCheck("/ready", Duration.ofSeconds(30),
                                                Duration.ofSeconds(10), Duration.ofSeconds(8), 3)))
                                .rollout(Rollout.canaryOn(MAINPC).batchesOf(1));
                    }
                }
                """.replace("SERVICE_PORT", Integer.toString(servicePort))
                .replace("HEALTH_PORT", Integer.toString(healthPort)));
        return file;
    }
}
