package dev.slipway.validation;

import dev.slipway.dsl.FleetSpec;
import dev.slipway.dsl.Service;
import dev.slipway.model.Mount;
import dev.slipway.model.SecretUse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Volumes and binds: absolute, normalised container paths, one mount per path, none over Slipway's secrets
 * directory; host paths of binds absolute; volume names Docker accepts.
 */
final class MountRule implements Rule {
    private static final Pattern VOLUME_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
    private static final Pattern NORMALISED = Pattern.compile("(/[^/\\s]+)+");

    @Override
    public void check(FleetSpec fleet, List<Problem> problems) {
        for (Service service : fleet.services()) {
            if (service.runtime().equals(dev.slipway.dsl.RuntimeSettings.NONE)) {
                continue;
            }
            Set<String> paths = new HashSet<>();
            for (Mount mount : service.runtime().mounts()) {
                String path = mount.containerPath();
                if (!isAbsoluteAndNormal(path)) {
                    problems.add(Problem.service(service.name(), "mounts", "container path '" + path + "' of "
                            + mount + "; expected an absolute path such as /home/appuser/.cache/huggingface"));
                } else if (path.equals(SecretUse.DIRECTORY) || path.startsWith(SecretUse.DIRECTORY + "/")) {
                    problems.add(Problem.service(service.name(), "mounts", path + " is where Slipway puts secrets; "
                            + "expected another container path"));
                }
                if (!paths.add(path)) {
                    problems.add(Problem.service(service.name(), "mounts", "two mounts at " + path
                            + "; expected one mount per container path"));
                }
                if (mount instanceof Mount.Volume volume && !VOLUME_NAME.matcher(volume.name()).matches()) {
                    problems.add(Problem.service(service.name(), "mounts", "'" + volume.name()
                            + "' is not a volume name; expected [a-zA-Z0-9][a-zA-Z0-9_.-]*"));
                }
                if (mount instanceof Mount.ReadOnlyBind bind && !isAbsoluteAndNormal(bind.hostPath())) {
                    problems.add(Problem.service(service.name(), "mounts", "host path '" + bind.hostPath()
                            + "'; expected an absolute path on the machine, such as /srv/models"));
                }
            }
        }
    }

    private static boolean isAbsoluteAndNormal(String path) {
        if (!NORMALISED.matcher(path).matches()) {
            return false;
        }
        for (String part : path.substring(1).split("/")) {
            if (part.equals(".") || part.equals("..")) {
                return false;
            }
        }
        return true;
    }
}
