package dev.slipway.rollout.engine;

import java.util.Optional;

/**
 * Where the login for a registry comes from when an engine pulls or looks up a digest on Slipway's behalf (sent as
 * the Engine API's registry auth): the runner plugs in the same sources {@code build} pushes with.
 */
public interface RegistryAuth {
    RegistryAuth ANONYMOUS = registry -> Optional.empty();

    /** The login for {@code registry} ({@code host[:port]}); empty for anonymous access. */
    Optional<Login> loginFor(String registry);

    /** A username and password; {@link #toString()} never shows the password. */
    record Login(String username, String password) {
        @Override
        public String toString() {
            return "Login[" + username + "]";
        }
    }
}
