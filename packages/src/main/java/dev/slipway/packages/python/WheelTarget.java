package dev.slipway.packages.python;

import dev.slipway.packages.layer.LayerEntry;
import java.util.regex.Pattern;

/**
 * Where wheels go inside the image and which wheels fit it: e.g. site-packages
 * {@code /usr/local/lib/python3.11/site-packages}, scripts in {@code /usr/local/bin}, data under
 * {@code /usr/local}, Python 3.11 on x86_64 glibc, scripts starting {@code #!/usr/bin/python3}.
 */
public record WheelTarget(String sitePackages, String binDir, String prefix, String interpreter,
        String pythonVersion, String machine) {

    private static final Pattern PY = Pattern.compile("3\\.[0-9]{1,2}");

    public WheelTarget {
        sitePackages = absolute(sitePackages, "sitePackages");
        binDir = absolute(binDir, "binDir");
        prefix = absolute(prefix, "prefix");
        interpreter = absolute(interpreter, "interpreter");
        if (pythonVersion == null || !PY.matcher(pythonVersion).matches()) {
            throw new IllegalArgumentException("pythonVersion must look like 3.11, got '" + pythonVersion + "'");
        }
        if (machine == null || !machine.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("invalid machine '" + machine + "'");
        }
    }

    /** {@code /usr/local/lib/python3.11/site-packages}, {@code /usr/local/bin}, {@code #!/usr/bin/python3}, x86_64. */
    public static WheelTarget usrLocal(String pythonVersion) {
        return new WheelTarget("/usr/local/lib/python" + pythonVersion + "/site-packages", "/usr/local/bin",
                "/usr/local", "/usr/bin/python3", pythonVersion, "x86_64");
    }

    public WheelTarget withSitePackages(String dir) {
        return new WheelTarget(dir, binDir, prefix, interpreter, pythonVersion, machine);
    }

    public WheelTarget withInterpreter(String path) {
        return new WheelTarget(sitePackages, binDir, prefix, path, pythonVersion, machine);
    }

    private static String absolute(String path, String what) {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException(what + " must be an absolute path, got '" + path + "'");
        }
        return "/" + LayerEntry.normalise(path);
    }

    /** Whether a wheel's {@code python-abi-platform} tags can run here (CPython, glibc). */
    boolean accepts(String pythonTags, String abiTags, String platformTags) {
        String cp = "cp" + pythonVersion.replace(".", "");
        int minor = Integer.parseInt(pythonVersion.substring(2));
        boolean stable = anyOf(abiTags, t -> t.equals("abi3"));
        // an abi3 wheel built for cp3N runs on every CPython 3.M with M >= N
        boolean python = anyOf(pythonTags,
                t -> t.equals("py3") || t.equals(cp) || t.equals("py" + pythonVersion.replace(".", ""))
                        || (stable && t.matches("cp3[0-9]{1,2}") && Integer.parseInt(t.substring(3)) <= minor));
        boolean abi = anyOf(abiTags, t -> t.equals("none") || t.equals("abi3") || t.equals(cp));
        boolean platform = anyOf(platformTags, t -> t.equals("any") || t.equals("linux_" + machine)
                || (t.startsWith("manylinux") && t.endsWith("_" + machine)));
        return python && abi && platform;
    }

    private static boolean anyOf(String tags, java.util.function.Predicate<String> ok) {
        for (String t : tags.split("\\.")) {
            if (ok.test(t)) {
                return true;
            }
        }
        return false;
    }
}
