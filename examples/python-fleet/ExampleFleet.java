import static dev.slipway.dsl.DebianSuite.BOOKWORM;
import static dev.slipway.dsl.Slipway.family;
import static dev.slipway.dsl.Slipway.fleet;
import static dev.slipway.dsl.Slipway.service;
import static dev.slipway.machines.MachineProfiles.MAINPC;
import static dev.slipway.machines.MachineProfiles.PC2;

import dev.slipway.dsl.Base;
import dev.slipway.dsl.Family;
import dev.slipway.dsl.FleetDefinitionSource;
import dev.slipway.dsl.FleetSpec;

/**
 * A fleet built entirely from Debian bookworm packages, no Dockerfile and no base image from a registry:
 * base-python (Python 3.11, tini, CA certificates, appuser 10001) → base-utils (+ tzdata) → family-web (+ Debian's
 * FastAPI and uvicorn), and three standard-library HTTP services, one of them on both machines.
 *
 * <pre>
 * ./make-debian-repo.sh                       # Debian's own client fills .debian-repo/ (flat repository)
 * java -jar runner/target/runner.jar lock  --fleet examples/python-fleet/ExampleFleet.java
 * java -jar runner/target/runner.jar build --fleet examples/python-fleet/ExampleFleet.java --out target/python-fleet
 * </pre>
 */
public final class ExampleFleet implements FleetDefinitionSource {

    static final Family BASE_PYTHON = family("base-python").from(Base.scratch())
            .debian(BOOKWORM, "python3", "tini", "ca-certificates")
            .env("LANG", "C.UTF-8")
            .env("PYTHONDONTWRITEBYTECODE", "1");
    static final Family BASE_UTILS = family("base-utils").parent(BASE_PYTHON)
            .debian(BOOKWORM, "tzdata");
    // SPEC plans family-web on base-cpu-pydeps; this example keeps the chain short and takes Debian's packages.
    static final Family FAMILY_WEB = family("family-web").parent(BASE_UTILS)
            .debian(BOOKWORM, "python3-fastapi", "python3-uvicorn");

    @Override
    public FleetSpec define() {
        return fleet("python_fleet")
                // a placeholder; `build --registry HOST:PORT/ORG` replaces it
                .registry("127.0.0.1:5000/slipway")
                .machines(MAINPC, PC2)
                .families(BASE_PYTHON, BASE_UTILS, FAMILY_WEB)
                .services(
                        service("greeter").family(BASE_PYTHON).ports(7301, 8301).on(MAINPC)
                                .app("services/greeter").command("python3", "/app/app.py"),
                        service("clock").family(BASE_UTILS).ports(7302, 8302).on(PC2)
                                .app("services/clock").command("python3", "/app/app.py"),
                        service("notes").family(FAMILY_WEB).ports(7303, 8303).on(MAINPC, PC2)
                                .app("services/notes").command("python3", "/app/app.py"));
    }
}
