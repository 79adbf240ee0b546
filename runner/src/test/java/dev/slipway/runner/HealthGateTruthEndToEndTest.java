package dev.slipway.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.model.HealthCheck;
import dev.slipway.testkit.LocalDockerd;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The health gate believes only the new container itself, on real engines: a port the new version needs that a
 * stranger already serves stops the run before the old container is touched, and a new container that answers
 * and then dies (so that whatever answered was not a lasting it) fails its gate and the old one comes back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealthGateTruthEndToEndTest {
    private static final int SERVICE_PORT = 17301;
    private static final int HEALTH_PORT = 18301;
    private static final int MOVED_HEALTH_PORT = 18302;
    private static final String CONTAINER = "gatetruth.echo";

    @TempDir
    static Path dir;
    static TwoMachines machines;

    record Run(int code, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @BeforeAll
    static void machinesAndAHealthyFirstVersion() throws Exception {
        machines = TwoMachines.start();
        BusyboxBase.writeInto(dir, machines.engine("mainpc"));
        Path www = Files.createDirectories(dir.resolve("services/echo/www"));
        Files.writeString(www.resolve("health"), HealthCheck.HEALTHY_BODY);
        writeFleet(HEALTH_PORT, "exec httpd -f -p " + HEALTH_PORT + " -h /app/www");
        Run first = cli("apply", "--tag", "v1");
        assertEquals(0, first.code(), first.all());
    }

    @AfterAll
    static void stop() {
        if (machines != null) {
            machines.close();
        }
    }

    @Test
    @Order(1)
    void aStrangerOnTheNewHealthPortStopsTheRunBeforeTheOldContainerIsTouched() throws Exception {
        LocalDockerd mainpc = machines.engine("mainpc");
        String oldId = id();
        String image = mainpc.docker("inspect", "--format", "{{.Config.Image}}", CONTAINER).requireSuccess().stdout()
                .strip();
        mainpc.docker("run", "-d", "--name", "stranger", "--network", "host", "--entrypoint", "/bin/busybox", image,
                "httpd", "-f", "-p", Integer.toString(MOVED_HEALTH_PORT), "-h", "/app/www").requireSuccess();
        try {
            writeFleet(MOVED_HEALTH_PORT, "exec httpd -f -p " + MOVED_HEALTH_PORT + " -h /app/www");

            Run apply = cli("apply", "--tag", "v2");

            assertEquals(1, apply.code(), apply.all());
            assertTrue(apply.err().contains("port " + MOVED_HEALTH_PORT + " on mainpc (" + machines.address(0)
                    + ") is already in use by something other than the container it replaces; nothing of "
                    + "echo@mainpc was touched"), apply.err());
            assertTrue(apply.err().contains("nothing was changed"), apply.err());
            assertFalse(apply.out().contains("stopped the old container"), apply.out());
            assertEquals(oldId, id(), "the old container is the same one");
            assertEquals("running", state(CONTAINER));
            assertEquals(0, containers().stream().filter(n -> n.contains("-previous")).count(),
                    containers().toString());
        } finally {
            mainpc.docker("rm", "-f", "stranger").requireSuccess();
        }
    }

    @Test
    @Order(2)
    void aNewContainerThatAnswersAndThenDiesFailsItsGateAndTheOldOneComesBack() throws Exception {
        String oldId = id();
        // answers at once (httpd in the background), then the container's process exits and the engine restarts it
        writeFleet(HEALTH_PORT, "httpd -p " + HEALTH_PORT + " -h /app/www; sleep 0.5; exit 1");

        Run apply = cli("apply", "--tag", "v3");

        assertEquals(RolloutRun.ROLLOUT_FAILED, apply.code(), apply.all());
        assertTrue(apply.all().contains("the new container did not stay up"), apply.all());
        assertTrue(apply.out().contains("rolled back: old container"), apply.out());
        assertEquals(oldId, id());
        assertEquals("running", state(CONTAINER));
        assertEquals("0", machines.engine("mainpc").docker("inspect", "--format", "{{.RestartCount}}", CONTAINER)
                .requireSuccess().stdout().strip());
    }

    private static void writeFleet(int healthPort, String script) throws Exception {
        Files.writeString(dir.resolve("GateTruthFleet.java"), """
                import static dev.slipway.dsl.Slipway.*;
                import static dev.slipway.machines.MachineProfiles.MAINPC;
                import static dev.slipway.machines.MachineProfiles.PC2;
                import dev.slipway.dsl.*;
                import dev.slipway.model.HealthCheck;
                import java.time.Duration;

                public final class GateTruthFleet implements FleetDefinitionSource {
                    @Override
                    public FleetSpec define() {
                        Family busybox = family("busybox").from(Base.tarball("base/busybox-tini.tar"))
                                .healthProbe(HealthProbe.BUSYBOX_WGET);
                        return fleet("gatetruth").registry("registry.invalid/slipway").machines(MAINPC, PC2)
                                .families(busybox)
                                .services(service("echo").family(busybox).ports(%d, %d).app("services/echo")
                                        .command("sh", "-c", "%s")
                                        .healthCheck(HealthCheck.SPEC_DEFAULT.withStartPeriod(Duration.ofSeconds(6)))
                                        .on(MAINPC))
                                .rollout(Rollout.canaryOn(MAINPC).batchesOf(2));
                    }
                }
                """.formatted(SERVICE_PORT, healthPort, script));
    }

    private static String id() {
        return machines.engine("mainpc").docker("inspect", "--format", "{{.Id}}", CONTAINER).requireSuccess().stdout()
                .strip();
    }

    private static String state(String container) {
        return machines.engine("mainpc").docker("inspect", "--format", "{{.State.Status}}", container).requireSuccess()
                .stdout().strip();
    }

    private static List<String> containers() {
        return machines.engine("mainpc").docker("ps", "-a", "--format", "{{.Names}}").requireSuccess().stdout()
                .lines().toList();
    }

    private static Run cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--fleet", dir.resolve("GateTruthFleet.java").toString(), "--dir", dir.toString(),
                "--registry", machines.registryHost() + "/slipway", "--insecure", "--cache",
                dir.resolve("cache").toString(), "--parallel", "1", "--audit-log",
                dir.resolve("audit.jsonl").toString()));
        all.addAll(machines.hostArguments());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }
}
