import static dev.slipway.dsl.Slipway.family;
import static dev.slipway.dsl.Slipway.fleet;
import static dev.slipway.dsl.Slipway.service;
import static dev.slipway.machines.MachineProfiles.MAINPC;
import static dev.slipway.machines.MachineProfiles.PC2;

import dev.slipway.dsl.Base;
import dev.slipway.dsl.Family;
import dev.slipway.dsl.FleetDefinitionSource;
import dev.slipway.dsl.FleetSpec;
import dev.slipway.dsl.HealthProbe;

/**
 * A fleet that builds offline: a busybox + tini base (from Debian packages, see make-base.sh), a family with one
 * declared file, and two busybox-httpd services, one of them on both machines.
 * {@code java -jar runner/target/runner.jar build --fleet examples/busybox-fleet/BusyboxFleet.java}
 */
public final class BusyboxFleet implements FleetDefinitionSource {

    // Made by ./make-base.sh from Debian's busybox-static and tini; swap for Base.image("repo@sha256:...") later.
    static final Family BUSYBOX = family("busybox-base")
            .from(Base.tarball("base/busybox-tini.tar"))
            .healthProbe(HealthProbe.BUSYBOX_WGET);
    static final Family WEB = family("busybox-web").parent(BUSYBOX)
            .files("shared/motd", "/etc/motd")
            .env("LANG", "C.UTF-8");

    @Override
    public FleetSpec define() {
        return fleet("busybox")
                .registry("localhost:5000/slipway")
                .machines(MAINPC, PC2)
                .families(BUSYBOX, WEB)
                .services(
                        // busybox httpd serves files: www/health holds exactly {"status":"ok"}
                        service("hello").family(WEB).ports(7100, 8100).on(MAINPC)
                                .app("services/hello")
                                .command("httpd", "-f", "-p", "8100", "-h", "/app/www"),
                        // both ports: a background httpd on the service port, the health server in front
                        service("echo").family(WEB).ports(7200, 8200).on(MAINPC, PC2)
                                .app("services/echo")
                                .command("sh", "-c", "httpd -p 7200 -h /app/www && exec httpd -f -p 8200 -h /app/www"));
    }
}
