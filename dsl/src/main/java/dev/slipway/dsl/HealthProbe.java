package dev.slipway.dsl;

import java.util.List;

/**
 * The command Docker's health check runs inside a container. It must exist in the family's filesystem, so it is
 * the family's choice; both GET the health path on {@code 127.0.0.1} and demand the exact body
 * {@code {"status":"ok"}}. {@link #command} probes a given port and path (the check a container is created with);
 * {@link #commandFromEnvironment} reads them from {@value #PORT_VARIABLE} and {@value #PATH_VARIABLE} when it runs,
 * so one check in a family image serves every service built on it.
 */
public enum HealthProbe {
    /** Python's standard library; every Python family has it. */
    PYTHON3 {
        @Override
        public List<String> command(int port, String path) {
            return python("sys,urllib.request as u", "'http://127.0.0.1:" + port + path + "'");
        }

        @Override
        public List<String> commandFromEnvironment() {
            return python("os,sys,urllib.request as u",
                    "'http://127.0.0.1:'+os.environ['" + PORT_VARIABLE + "']+os.environ['" + PATH_VARIABLE
                            + "']");
        }

        private List<String> python(String imports, String url) {
            return List.of("CMD", "python3", "-c",
                    "import " + imports + ";"
                            + "b=u.urlopen(" + url + ",timeout=9).read();"
                            + "sys.exit(0 if b==b'{\"status\":\"ok\"}' else 1)");
        }
    },
    /** busybox wget and grep, for minimal families without Python. */
    BUSYBOX_WGET {
        @Override
        public List<String> command(int port, String path) {
            return wget("http://127.0.0.1:" + port + path);
        }

        @Override
        public List<String> commandFromEnvironment() {
            return wget("\"http://127.0.0.1:$" + PORT_VARIABLE + "$" + PATH_VARIABLE + "\"");
        }

        private List<String> wget(String url) {
            // no -T: bookworm's busybox-static wget segfaults with it under gVisor; Docker's own timeout bounds the probe
            return List.of("CMD", "sh", "-c", "wget -q -O - " + url + " | grep -qx '{\"status\":\"ok\"}'");
        }
    };

    /** The env variable every service image sets to its health port. */
    public static final String PORT_VARIABLE = "HEALTH_PORT";
    /** The env variable every service image sets to the path its health check GETs. */
    public static final String PATH_VARIABLE = "HEALTH_PATH";

    /** Docker's CMD form, probing {@code port} and {@code path}. */
    public abstract List<String> command(int port, String path);

    /** Docker's CMD form, probing the port and path the container's env names when the check runs. */
    public abstract List<String> commandFromEnvironment();
}
