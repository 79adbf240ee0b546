package dev.slipway.dsl;

import java.util.List;

/**
 * The command Docker's health check runs inside a container. It must exist in the family's filesystem, so it is
 * the family's choice; both probe {@code /health} on the service's own health port and demand the exact body.
 */
public enum HealthProbe {
    /** Python's standard library; every Python family has it. */
    PYTHON3 {
        @Override
        public List<String> command(int port, String path) {
            return List.of("CMD", "python3", "-c",
                    "import sys,urllib.request as u;"
                            + "b=u.urlopen('http://127.0.0.1:" + port + path + "',timeout=9).read();"
                            + "sys.exit(0 if b==b'{\"status\":\"ok\"}' else 1)");
        }
    },
    /** busybox wget and grep, for minimal families without Python. */
    BUSYBOX_WGET {
        @Override
        public List<String> command(int port, String path) {
            // no -T: bookworm's busybox-static wget segfaults with it under gVisor; Docker's own timeout bounds the probe
            return List.of("CMD", "sh", "-c",
                    "wget -q -O - http://127.0.0.1:" + port + path + " | grep -qx '{\"status\":\"ok\"}'");
        }
    };

    public abstract List<String> command(int port, String path);
}
