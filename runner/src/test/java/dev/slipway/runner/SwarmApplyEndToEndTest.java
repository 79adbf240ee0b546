package dev.slipway.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.slipway.images.RegistryCredentials;
import dev.slipway.images.supplychain.CosignSignatures;
import dev.slipway.images.supplychain.OciRegistry;
import dev.slipway.images.supplychain.SigningKeys;
import dev.slipway.testkit.BusyboxTiniRootfs;
import dev.slipway.testkit.LocalDockerd;
import dev.slipway.testkit.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code apply --swarm} with the supply chain and secrets of the Docker hosts, on a real one-node swarm (a dockerd
 * in its own network namespace, its node labelled mainpc) and Debian's docker-registry: a missing secret and an
 * unsigned image ({@code --require-signed}) are refused before anything changes; once every image is signed the
 * services run with the secret from {@code --secrets FILE} and the run is one audit line, the value nowhere.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwarmApplyEndToEndTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String TOKEN_VALUE = "swarm-token-" + Long.toHexString(System.nanoTime());

    @TempDir
    static Path dir;
    static LocalRegistry registry;
    static LocalDockerd node;
    static String namespace;
    static Path key;
    static Path pub;
    static Path secrets;
    static Map<String, String> digests = new java.util.TreeMap<>();

    @BeforeAll
    static void swarmRegistryImagesAndKeys() throws Exception {
        registry = LocalRegistry.start();
        long pid = ProcessHandle.current().pid();
        String subnet = "198.19." + ((pid + 7) % 250) + ".";
        namespace = "swapply" + pid;
        String hostSide = "swah" + pid % 100000;
        String nsSide = "swan" + pid % 100000;
        ip("netns", "add", namespace);
        ip("-n", namespace, "link", "set", "lo", "up");
        ip("link", "add", hostSide, "type", "veth", "peer", "name", nsSide);
        ip("link", "set", nsSide, "netns", namespace);
        ip("addr", "add", subnet + "1/30", "dev", hostSide);
        ip("link", "set", hostSide, "up");
        ip("-n", namespace, "addr", "add", subnet + "2/30", "dev", nsSide);
        ip("-n", namespace, "link", "set", nsSide, "up");
        node = LocalDockerd.builder().inNetworkNamespace(namespace).start();
        node.docker("swarm", "init", "--advertise-addr", subnet + "2").requireSuccess();
        String nodeId = node.docker("info", "-f", "{{.Swarm.NodeID}}").requireSuccess().stdout().strip();
        node.docker("node", "update", "--label-add", "dev.slipway.machine=mainpc", nodeId).requireSuccess();

        for (String service : List.of("alpha", "bravo")) {
            digests.put(service, pushImage(service, List.of("alpha", "bravo").indexOf(service) + 1));
        }
        Path keys = Files.createDirectories(dir.resolve("keys"));
        key = keys.resolve("cosign.key");
        pub = keys.resolve("cosign.pub");
        run(keys, "openssl", "ecparam", "-name", "prime256v1", "-genkey", "-out", key.toString());
        run(keys, "openssl", "ec", "-in", key.toString(), "-pubout", "-out", pub.toString());
        secrets = dir.resolve("secrets.env");
        Files.writeString(secrets, SwarmTestFleet.TOKEN + "=" + TOKEN_VALUE + "\n");
        Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rw-------"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (namespace != null) {
            ip("netns", "delete", namespace); // and its veth pair
        }
        if (registry != null) {
            registry.close();
        }
    }

    static String image(String service) {
        return registry.host() + "/slipway/" + SwarmTestFleet.NAME + "/" + service + ":t1-mainpc";
    }

    /**
     * The service's image (busybox httpd under tini as 10001) on the node, where Swarm runs it (the registry on this
     * machine's loopback is out of the node's reach), and the same bytes pushed to the registry; returns the pushed
     * manifest digest.
     */
    static String pushImage(String service, int n) throws Exception {
        BusyboxTiniRootfs rootfs = BusyboxTiniRootfs.create(dir.resolve("rootfs-" + service));
        Path www = Files.createDirectories(rootfs.dir().resolve("app/www"));
        Files.writeString(www.resolve("health"), dev.slipway.model.HealthCheck.HEALTHY_BODY);
        Path tar = rootfs.writeTar(dir.resolve(service + ".tar"));
        node.docker("import", "--change", "ENTRYPOINT [\"/usr/bin/tini\", \"--\"]", "--change",
                "CMD [\"httpd\", \"-f\", \"-p\", \"" + SwarmTestFleet.healthPort(n) + "\", \"-h\", \"/app/www\"]",
                "--change", "USER 10001:10001", tar.toString(), image(service)).requireSuccess();
        Path archive = dir.resolve(service + "-image.tar");
        node.docker("save", "-o", archive.toString(), image(service)).requireSuccess();
        Path digest = dir.resolve(service + ".digest");
        run(dir, "skopeo", "copy", "--insecure-policy", "--dest-tls-verify=false", "docker-archive:" + archive,
                "docker://" + image(service), "--digestfile", digest.toString());
        return Files.readString(digest).strip();
    }

    static void sign(String service) throws Exception {
        OciRegistry client = new OciRegistry(RegistryCredentials.fromEnvironment(Map.of("DOCKER_CONFIG",
                dir.resolve("no-docker").toString())), true);
        String pinned = image(service).substring(0, image(service).lastIndexOf(':')) + "@" + digests.get(service);
        new CosignSignatures(client).sign(pinned, SigningKeys.privateKey(key.toString(), Map.of()));
    }

    static CliRun apply(String... more) {
        List<String> args = new ArrayList<>(List.of("apply", "--fleet", SwarmTestFleet.class.getName(), "--tag",
                "t1", "--swarm", node.dockerHost(), "--registry", registry.host() + "/slipway", "--insecure",
                "--skip-build", "--require-signed", pub.toString(), "--cache", dir.resolve("cache").toString(),
                "--audit-log", dir.resolve("audit.jsonl").toString()));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    static String swarmObjects() {
        return node.docker("service", "ls", "-q").requireSuccess().stdout()
                + node.docker("secret", "ls", "-q").requireSuccess().stdout();
    }

    @Test
    @Order(1)
    void aMissingSecretIsRefusedBeforeAnyChange() {
        CliRun run = apply();

        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("service 'alpha' secret " + SwarmTestFleet.TOKEN + ": no value; expected it in "
                + "--secrets FILE or the environment variable " + SwarmTestFleet.TOKEN), run.err());
        assertEquals("", swarmObjects(), "a refused apply created services or secrets");
    }

    @Test
    @Order(1)
    void zstdLayersAreRefusedBeforeAnyChangeNamingTheNodeAndItsEngine() {
        CliRun run = apply("--secrets", secrets.toString(), "--compression", "zstd");

        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(java.util.regex.Pattern.compile("(?m)^swarm node \\S+ \\(machine mainpc\\) runs Docker Engine "
                + "20\\.10\\S*, which cannot pull zstd layers; they need 23\\.0 or newer \\(or build with "
                + "--compression gzip\\)\\R--compression zstd: nothing was built or changed\\.$").matcher(run.err())
                .find(), run.err());
        assertEquals("", swarmObjects(), "a refused apply created services or secrets");
        assertFalse(Files.exists(dir.resolve("audit.jsonl")), "a refused run changed nothing to audit");
    }

    @Test
    @Order(2)
    void anUnsignedImageIsRefusedBeforeAnyChangeNamingIt() throws Exception {
        sign("bravo");
        CliRun run = apply("--secrets", secrets.toString());

        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains(image("alpha") + " (" + digests.get("alpha") + "): not signed (no sha256-"),
                run.err());
        assertTrue(run.err().contains("1 image(s) not signed by " + pub + " (--require-signed); nothing was "
                + "rolled out."), run.err());
        assertFalse(run.err().contains(image("bravo")), "bravo is signed: " + run.err());
        assertEquals("", swarmObjects(), "a refused apply created services or secrets");
        assertFalse(Files.exists(dir.resolve("audit.jsonl")), "a refused run changed nothing to audit");
    }

    @Test
    @Order(3)
    void onceEverythingIsSignedTheServicesRunWithTheSecretAndTheRunIsOneAuditLine() throws Exception {
        sign("alpha");
        CliRun run = apply("--secrets", secrets.toString());

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("audit: appended to " + dir.resolve("audit.jsonl")), run.out());
        List<String> lines = Files.readAllLines(dir.resolve("audit.jsonl"));
        assertEquals(1, lines.size(), lines.toString());
        JsonNode audit = JSON.readTree(lines.get(0));
        assertEquals("apply swarmapply t1 succeeded", audit.path("command").asText() + " "
                + audit.path("fleet").asText() + " " + audit.path("tag").asText() + " "
                + audit.path("result").asText());
        List<String> instances = new ArrayList<>();
        audit.path("instances").forEach(i -> instances.add(i.path("instance").asText() + " "
                + i.path("action").asText() + " " + i.path("result").asText() + " " + i.path("to").asText()));
        assertEquals(List.of("alpha@mainpc create created " + image("alpha"),
                "bravo@mainpc create created " + image("bravo")), instances);

        String alpha = node.docker("ps", "--filter", "label=com.docker.swarm.service.name=swarmapply_alpha_mainpc",
                "--format", "{{.ID}}").requireSuccess().stdout().strip();
        assertEquals(TOKEN_VALUE, node.docker("exec", alpha, "cat", "/run/secrets/" + SwarmTestFleet.TOKEN)
                .requireSuccess().stdout());
        assertFalse((run.out() + run.err() + lines.get(0)).contains(TOKEN_VALUE), "the secret value is printed");
    }

    private static void ip(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("ip"));
        argv.addAll(List.of(args));
        run(dir, argv.toArray(String[]::new));
    }

    private static void run(Path directory, String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).directory(directory.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, java.util.concurrent.TimeUnit.MINUTES) && p.exitValue() == 0,
                String.join(" ", argv) + ": " + out);
    }
}
