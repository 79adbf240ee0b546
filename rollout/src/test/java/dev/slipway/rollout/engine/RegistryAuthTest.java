package dev.slipway.rollout.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slipway.testkit.BusyboxTiniRootfs;
import dev.slipway.testkit.LocalDockerd;
import dev.slipway.testkit.LocalRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pulls and digest look-ups against a registry that wants credentials (htpasswd): they succeed with the login the
 * runner hands the engine, and fail saying so without it; a 401 never reads as "tag missing"; the password is in
 * no message.
 */
class RegistryAuthTest {
    private static final String USER = "deployer";
    private static final String PASSWORD = "pa55-for-the-htpasswd-test";

    @TempDir
    static Path dir;
    static LocalRegistry registry;
    static LocalDockerd dockerd;
    static String image;

    @BeforeAll
    static void registryWithAnImage() {
        registry = LocalRegistry.startWithHtpasswd(USER, PASSWORD);
        dockerd = LocalDockerd.builder().insecureRegistry(registry.host()).start();
        Path rootfs = BusyboxTiniRootfs.create(dir.resolve("rootfs")).writeTar(dir.resolve("rootfs.tar"));
        image = registry.host() + "/slipway/private:v1";
        dockerd.docker("import", rootfs.toString(), image).requireSuccess();
        dockerd.docker("login", "-u", USER, "-p", PASSWORD, registry.host()).requireSuccess();
        dockerd.docker("push", image).requireSuccess();
        dockerd.docker("logout", registry.host()).requireSuccess();
        dockerd.docker("rmi", image).requireSuccess();
    }

    @AfterAll
    static void stop() {
        if (dockerd != null) {
            dockerd.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void withTheLoginTheEngineFindsAndPullsThePrivateImage() {
        try (DockerEngine engine = connect(new RegistryAuth.Login(USER, PASSWORD))) {
            Optional<String> digest = engine.registryDigest(image);

            assertTrue(digest.isPresent() && digest.get().startsWith("sha256:"), digest.toString());
            assertEquals(digest.get(), engine.pull(image));
            assertEquals(Optional.empty(), engine.registryDigest(registry.host() + "/slipway/private:missing"),
                    "with a valid login a missing tag is missing");
        }
    }

    @Test
    void withoutCredentialsA401IsAnErrorSayingSoNotAMissingTag() {
        try (DockerEngine engine = connect(null)) {
            EngineException refused = assertThrows(EngineException.class, () -> engine.registryDigest(image));

            assertTrue(refused.getMessage().contains("refused anonymous access"), refused.getMessage());
            assertThrows(EngineException.class, () -> engine.pull(image));
        }
    }

    @Test
    void aWrongPasswordIsNamedByUserAndThePasswordIsInNoMessage() {
        String wrong = "wrong-" + PASSWORD;
        try (DockerEngine engine = connect(new RegistryAuth.Login(USER, wrong))) {
            EngineException refused = assertThrows(EngineException.class, () -> engine.registryDigest(image));
            EngineException pull = assertThrows(EngineException.class, () -> engine.pull(image));

            assertTrue(refused.getMessage().contains("refused the login of user " + USER), refused.getMessage());
            for (EngineException e : new EngineException[]{refused, pull}) {
                assertFalse(e.getMessage().contains(wrong) || String.valueOf(e.getCause()).contains(wrong),
                        e.getMessage());
            }
        }
    }

    private static DockerEngine connect(RegistryAuth.Login login) {
        DockerEngine engine = DockerEngine.connect(new HostEndpoint("mainpc", URI.create(dockerd.dockerHost()),
                "127.0.0.1", Optional.empty()));
        engine.useRegistryAuth(registryHost -> registryHost.equals(registry.host())
                ? Optional.ofNullable(login)
                : Optional.empty());
        return engine;
    }
}
