package ovi.aws;

import java.util.List;
import ovi.engine.Fence;
import ovi.engine.ResourceLookup;
import ovi.model.Intent;
import ovi.model.Observation;
import ovi.model.Outcome;

/**
 * What a resource type can do, one capability per interface, so a type that cannot be deleted simply has
 * no {@link Deleter}. Implementations live in {@code ovi.aws.<type>}; they call {@link Fence#check()} right
 * before each mutating call and may throw SDK exceptions, which {@link AwsActionExecutor} turns into
 * failed outcomes with the request id.
 */
public final class Capabilities {
    private Capabilities() {
    }

    /** Looks one resource up again; see {@link ResourceLookup#find}. */
    public interface Finder {
        List<Observation> find(ResourceLookup.Target target);
    }

    public interface Creator {
        Outcome create(Intent intent, String owner, Fence fence);
    }

    public interface Updater {
        Outcome update(Intent intent, String owner, Fence fence);

        /**
         * The update again, after a crash cut it off: {@code before} is the resource's state when it first
         * began (see {@link ovi.engine.ActionExecutor#execute(Intent, String, Fence, java.util.Map)}).
         */
        default Outcome update(Intent intent, String owner, Fence fence, java.util.Map<String, String> before) {
            return update(intent, owner, fence);
        }
    }

    public interface Deleter {
        Outcome delete(Intent intent, String owner, Fence fence);
    }
}
