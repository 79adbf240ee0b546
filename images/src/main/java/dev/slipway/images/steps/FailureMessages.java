package dev.slipway.images.steps;

import com.google.cloud.tools.jib.api.InsecureRegistryException;
import com.google.cloud.tools.jib.api.RegistryAuthenticationFailedException;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import com.google.cloud.tools.jib.global.JibSystemProperties;
import com.google.cloud.tools.jib.http.ResponseException;
import com.google.cloud.tools.jib.registry.RegistryCredentialsNotSentException;
import dev.slipway.images.RegistryCredentials;
import dev.slipway.images.supplychain.OciRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLException;

/**
 * Turns what Jib threw into one line a user can act on: which registry, what it answered. Never a secret. The
 * exception types it tells apart ({@code ResponseException}, {@code RegistryCredentialsNotSentException}) are
 * outside jib-core's {@code api} package; they are what Jib throws, and its {@code api} has no public equivalents.
 */
public final class FailureMessages {
    private FailureMessages() {
    }

    /** {@code registry} is the one the image was going to (host[:port]); exceptions naming another win. */
    public static String describe(Throwable thrown, String registry, RegistryCredentials credentials) {
        return credentials.redact(describe(unwrap(thrown), registry));
    }

    private static String describe(Throwable e, String registry) {
        if (e instanceof RegistryUnauthorizedException unauthorized
                && unauthorized.getCause() instanceof ResponseException answer && answer.getStatusCode() == 401) {
            return authenticationFailed(registry, unauthorized.getImageReference());
        }
        if (e instanceof OciRegistry.AuthenticationFailed failed) {
            return authenticationFailed(registry, failed.repository());
        }
        if (e instanceof RegistryUnauthorizedException unauthorized) {
            return "registry " + registry + " refused access to " + unauthorized.getImageReference()
                    + " (" + firstLine(unauthorized.getMessage()) + ")"
                    + ": check the credentials (" + RegistryCredentials.USERNAME_VARIABLE + "/"
                    + RegistryCredentials.PASSWORD_VARIABLE + ", or docker login)";
        }
        if (e instanceof RegistryAuthenticationFailedException failed) {
            return "registry " + failed.getServerUrl() + " did not accept the credentials for "
                    + failed.getImageName() + ": check " + RegistryCredentials.USERNAME_VARIABLE + "/"
                    + RegistryCredentials.PASSWORD_VARIABLE + " or docker login";
        }
        if (e instanceof RegistryCredentialsNotSentException || e instanceof OciRegistry.CredentialsNotSent) {
            // Jib's switch is JVM-wide: it would also allow credentials over HTTP to base-image registries
            return "registry " + registry + " wants credentials, and Jib sends none over plain HTTP (--insecure):"
                    + " serve it over HTTPS, or accept sending credentials over plain HTTP to every registry of"
                    + " this build with the JVM option -D" + JibSystemProperties.SEND_CREDENTIALS_OVER_HTTP + "=true";
        }
        if (e instanceof InsecureRegistryException) {
            return "registry " + registry + " does not offer verifiable HTTPS; for a registry on loopback pass"
                    + " --insecure";
        }
        if (e instanceof RegistryException) {
            return "registry " + registry + " answered: " + firstLine(e.getMessage());
        }
        if (e instanceof ConnectException || e instanceof NoRouteToHostException) {
            // java.net.http (a streamed upload) says nothing when a connection is refused
            return "cannot reach registry " + registry + ": "
                    + (e.getMessage() == null ? "connection refused" : firstLine(e.getMessage()));
        }
        if (e instanceof java.nio.channels.ClosedChannelException) {
            return "cannot reach registry " + registry + ": the connection was closed (is it running?)";
        }
        if (e instanceof java.net.SocketException) {
            // a reset or broken connection in the middle of a request: the registry went away
            return "cannot reach registry " + registry + ": " + firstLine(e.getMessage()) + " (is it running?)";
        }
        if (e instanceof UnknownHostException) {
            return "cannot reach registry " + registry + ": unknown host " + e.getMessage();
        }
        if (e instanceof SocketTimeoutException) {
            return "registry " + registry + " did not answer in time: " + firstLine(e.getMessage());
        }
        if (e instanceof SSLException) {
            return "registry " + registry + ": TLS failed (" + firstLine(e.getMessage())
                    + "); for a plain-HTTP registry on loopback pass --insecure";
        }
        if (e instanceof java.nio.file.NoSuchFileException missing) {
            return missing.getFile() + " does not exist";
        }
        if (e instanceof IOException) {
            return e.getClass().getSimpleName() + ": " + firstLine(e.getMessage());
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + firstLine(e.getMessage()));
    }

    private static String authenticationFailed(String registry, String image) {
        return "registry " + registry + ": authentication failed for " + image
                + " (no credentials, or wrong ones): check the credentials (" + RegistryCredentials.USERNAME_VARIABLE
                + "/" + RegistryCredentials.PASSWORD_VARIABLE + ", or docker login)";
    }

    static Throwable unwrap(Throwable thrown) {
        Throwable e = thrown;
        while ((e instanceof ExecutionException || e instanceof CompletionException
                || (e instanceof IOException && e.getCause() instanceof IOException
                        && !(e instanceof java.nio.file.FileSystemException) && !(e instanceof ConnectException)))
                && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
