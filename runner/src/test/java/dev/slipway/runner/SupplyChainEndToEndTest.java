package dev.slipway.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.slipway.model.HealthCheck;
import dev.slipway.testkit.LocalDockerd;
import dev.slipway.testkit.PrivateKeyLines;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * From the build to the running container: build --sign pushes each image with its SBOM and cosign signature,
 * verify and sbom read them back, and apply --require-signed refuses unsigned or wrongly signed images before a
 * host is touched. Two dockerds in network namespaces and Debian's docker-registry, keys made by openssl.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SupplyChainEndToEndTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern VERIFIED = Pattern.compile("(?m)^(\\S+)  (sha256:[0-9a-f]{64})  verified \\(");

    @TempDir
    static Path dir;
    static TwoMachines machines;
    static Path key;
    static Path pub;
    static Path otherPub;

    record Run(int code, String out, String err) {
    }

    @BeforeAll
    static void machinesFleetAndKeys() throws Exception {
        machines = TwoMachines.start();
        BusyboxBase.writeInto(dir, machines.engine("mainpc"));
        for (String service : List.of("alpha", "bravo", "charlie", "delta")) {
            writeApp(service, "1");
        }
        Path keys = Files.createDirectories(dir.resolve("keys"));
        key = keys.resolve("cosign.key");
        pub = keys.resolve("cosign.pub");
        otherPub = keys.resolve("other.pub");
        openssl(keys, "ecparam", "-name", "prime256v1", "-genkey", "-out", key.toString());
        openssl(keys, "ec", "-in", key.toString(), "-pubout", "-out", pub.toString());
        openssl(keys, "ecparam", "-name", "prime256v1", "-genkey", "-out", keys.resolve("other.key").toString());
        openssl(keys, "ec", "-in", keys.resolve("other.key").toString(), "-pubout", "-out", otherPub.toString());
    }

    @AfterAll
    static void stop() {
        if (machines != null) {
            machines.close();
        }
    }

    private static List<String> images(String tag) {
        String org = machines.registryHost() + "/slipway";
        return List.of(org + "/busybox:" + tag, org + "/rollouttest/alpha:" + tag + "-mainpc",
                org + "/rollouttest/bravo:" + tag + "-mainpc", org + "/rollouttest/bravo:" + tag + "-pc2",
                org + "/rollouttest/charlie:" + tag + "-pc2", org + "/rollouttest/delta:" + tag + "-pc2");
    }

    @Test
    @Order(1)
    void buildSignsAndAttachesAnSbomToEveryImageAndVerifyAndSbomReadThemBack() throws Exception {
        Run build = build("s1", "--sign", key.toString());
        assertEquals(0, build.code(), build.out() + build.err());
        for (String image : images("s1")) {
            assertTrue(Pattern.compile("(?m)^" + Pattern.quote(image) + "  sbom sha256-[0-9a-f]{64}\\.sbom, signed "
                    + "sha256-[0-9a-f]{64}\\.sig$").matcher(build.out()).find(), image + "\n" + build.out());
        }
        assertTrue(build.out().contains("attached 6 SBOMs and signed the images with the private key from " + key),
                build.out());
        assertEquals(Optional.empty(), PrivateKeyLines.shownIn(build.out() + build.err(), key),
                "a line of the private key is printed");

        List<String> verifyArguments = new ArrayList<>(List.of("verify", "--insecure", "--key", pub.toString()));
        verifyArguments.addAll(images("s1"));
        Run verify = run(verifyArguments);
        assertEquals(0, verify.code(), verify.out() + verify.err());
        Matcher verified = VERIFIED.matcher(verify.out());
        List<String> seen = new ArrayList<>();
        String familyDigest = null;
        while (verified.find()) {
            seen.add(verified.group(1));
            if (verified.group(1).endsWith("/busybox:s1")) {
                familyDigest = verified.group(2);
            }
        }
        assertEquals(images("s1"), seen);

        List<String> wrongKey = new ArrayList<>(List.of("verify", "--insecure", "--key", otherPub.toString()));
        wrongKey.addAll(images("s1"));
        Run refused = run(wrongKey);
        assertEquals(1, refused.code(), refused.out());
        assertTrue(refused.err().contains("6 of 6 image(s) not signed by " + otherPub), refused.err());
        assertTrue(refused.err().contains(images("s1").get(1) + " (sha256:"), refused.err());
        assertFalse(refused.err().contains("\tat "), refused.err());

        String alpha = images("s1").get(1);
        Run sbom = run(List.of("sbom", "--insecure", alpha));
        assertEquals(0, sbom.code(), sbom.err());
        JsonNode bom = JSON.readTree(sbom.out());
        assertEquals("CycloneDX", bom.path("bomFormat").asText());
        assertEquals(alpha, bom.path("metadata").path("component").path("bom-ref").asText());
        JsonNode base = bom.path("components").get(0);
        assertEquals(images("s1").get(0), base.path("bom-ref").asText());
        assertEquals(familyDigest, base.path("version").asText(), "the service's SBOM names its family's digest");
        assertTrue(sbom.out().contains("\"name\":\"application\""), sbom.out());
    }

    @Test
    @Order(2)
    void applyRequiringSignaturesRefusesUnsignedOrWronglySignedImagesBeforeAnyChange() throws Exception {
        Run wrong = apply("s1", otherPub);
        assertEquals(1, wrong.code(), wrong.out() + wrong.err());
        assertTrue(wrong.err().contains("5 image(s) not signed by " + otherPub + " (--require-signed); nothing was "
                + "rolled out."), wrong.err());
        assertEquals("", containers(), "a refused apply created containers");

        Run signed = apply("s1", pub);
        assertEquals(0, signed.code(), signed.out() + signed.err());
        String running = containers();
        assertEquals(5, running.lines().count(), running);

        // a new build that nobody signed: refused, and the running fleet is left as it was
        writeApp("alpha", "2");
        Run unsignedBuild = build("s2");
        assertEquals(0, unsignedBuild.code(), unsignedBuild.out() + unsignedBuild.err());
        Run unsigned = apply("s2", pub);
        assertEquals(1, unsigned.code(), unsigned.out() + unsigned.err());
        assertTrue(unsigned.err().contains(images("s2").get(1) + " (sha256:"), unsigned.err());
        assertTrue(unsigned.err().contains("): not signed (no sha256-"), unsigned.err());
        assertEquals(running, containers());

        // apply builds as build does: with --sign its own build signs, and the same run's check accepts it
        List<String> signAndApply = new ArrayList<>(apply("s2", pub, false));
        signAndApply.addAll(List.of("--sign", key.toString(), "--parallel", "1", "--cache",
                dir.resolve("cache").toString()));
        Run signedApply = run(signAndApply);
        assertEquals(0, signedApply.code(), signedApply.out() + signedApply.err());
        assertTrue(signedApply.out().contains("attached 6 SBOMs and signed the images with the private key from "
                + key), signedApply.out());
        assertEquals(Optional.empty(), PrivateKeyLines.shownIn(signedApply.out() + signedApply.err(), key),
                "a line of the private key is printed");
        String alphaImage = machines.engine("mainpc").docker("inspect", "-f",
                "{{index .Config.Labels \"" + dev.slipway.rollout.engine.Labels.IMAGE + "\"}}", "rollouttest.alpha")
                .requireSuccess().stdout().strip();
        assertEquals(images("s2").get(1), alphaImage, "the signed s2 build is what runs");
    }

    private static Run build(String tag, String... more) {
        List<String> args = new ArrayList<>(List.of("build", "--tag", tag, "--registry",
                machines.registryHost() + "/slipway", "--insecure", "--cache", dir.resolve("cache").toString(),
                "--parallel", "1", "--fleet", RolloutTestFleet.class.getName(), "--dir", dir.toString()));
        args.addAll(List.of(more));
        return run(args);
    }

    private static Run apply(String tag, Path requiredKey) {
        return run(apply(tag, requiredKey, true));
    }

    private static List<String> apply(String tag, Path requiredKey, boolean skipBuild) {
        List<String> args = new ArrayList<>(List.of("apply", "--tag", tag, "--require-signed",
                requiredKey.toString(), "--registry", machines.registryHost() + "/slipway", "--insecure",
                "--fleet", RolloutTestFleet.class.getName(), "--dir", dir.toString(),
                "--audit-log", dir.resolve("audit.jsonl").toString()));
        if (skipBuild) {
            args.add("--skip-build");
        }
        args.addAll(machines.hostArguments());
        return args;
    }

    /** Every container on both machines with its image, one per line, sorted. */
    private static String containers() {
        List<String> lines = new ArrayList<>();
        for (LocalDockerd engine : machines.engines) {
            String out = engine.docker("ps", "-a", "--format", "{{.Names}} {{.Image}}").requireSuccess().stdout();
            out.lines().filter(l -> !l.isBlank()).forEach(lines::add);
        }
        return String.join("\n", lines.stream().sorted().toList());
    }

    private static void writeApp(String service, String version) throws IOException {
        Path www = Files.createDirectories(dir.resolve("services").resolve(service).resolve("www"));
        Files.writeString(www.resolve("health"), HealthCheck.HEALTHY_BODY);
        Files.writeString(www.resolve("version"), version + "\n");
    }

    private static void openssl(Path directory, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        Process p = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(1, TimeUnit.MINUTES) && p.exitValue() == 0, out);
    }

    private static Run run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }
}
