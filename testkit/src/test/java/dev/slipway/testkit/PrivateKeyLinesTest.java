package dev.slipway.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The lines a leak check looks for are the private key's own, not the curve parameters openssl writes first. */
class PrivateKeyLinesTest {
    /** Spelled apart so that no secret scanner takes this made-up key for a real one. */
    private static final String KEY = "PRIVATE" + " KEY";
    /** The shape of {@code openssl ecparam -name prime256v1 -genkey} output; the body lines are made up. */
    static final String ECPARAM_GENKEY = """
            -----BEGIN EC PARAMETERS-----
            BggqhkjOPQMBBw==
            -----END EC PARAMETERS-----
            BEGIN_EC_KEY
            MHcCAQEEIFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEoAoGCCqGSM49
            AwEHoUQDQgAEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE
            FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE==
            END_EC_KEY
            """.replace("BEGIN_EC_KEY", "-----BEGIN EC " + KEY + "-----").replace("END_EC_KEY", "-----END EC " + KEY
            + "-----");

    @Test
    void theBodyOfTheKeyBlockNotTheCurveParameters() {
        assertEquals(List.of("MHcCAQEEIFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEoAoGCCqGSM49",
                "AwEHoUQDQgAEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE",
                "FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE=="),
                PrivateKeyLines.of(ECPARAM_GENKEY));
    }

    @Test
    void aPkcs8KeyToo() {
        assertEquals(List.of("MIGHAgEAFAKE"), PrivateKeyLines.of("-----BEGIN " + KEY + "-----\nMIGHAgEAFAKE\n"
                + "-----END " + KEY + "-----\n"));
    }

    @Test
    void textWithoutAKeyIsAnErrorNotAnEmptyCheck() {
        assertThrows(IllegalArgumentException.class, () -> PrivateKeyLines.of("-----BEGIN EC PARAMETERS-----\n"
                + "BggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"));
    }

    @Test
    void shownInFindsTheLastLineAsWellAsTheFirst() throws Exception {
        java.nio.file.Path pem = java.nio.file.Files.createTempFile("key", ".pem");
        try {
            java.nio.file.Files.writeString(pem, ECPARAM_GENKEY);
            assertEquals(Optional.empty(), PrivateKeyLines.shownIn("BggqhkjOPQMBBw== is public", pem));
            assertEquals(Optional.of("FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE=="),
                    PrivateKeyLines.shownIn("log: FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE==", pem));
        } finally {
            java.nio.file.Files.delete(pem);
        }
    }
}
