package dev.slipway.images;

import com.google.cloud.tools.jib.global.JibSystemProperties;
import java.util.concurrent.Callable;

/**
 * Jib's JVM-wide opt-in to credentials over plain HTTP ({@code sendCredentialsOverHttp}), which Slipway's own
 * registry client obeys too; set for one call and restored afterwards, so no other test sends credentials over HTTP.
 */
public final class CredentialsOverPlainHttp {
    private CredentialsOverPlainHttp() {
    }

    public static <T> T allowed(Callable<T> work) throws Exception {
        String key = JibSystemProperties.SEND_CREDENTIALS_OVER_HTTP;
        String before = System.getProperty(key);
        System.setProperty(key, "true");
        try {
            return work.call();
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }
}
