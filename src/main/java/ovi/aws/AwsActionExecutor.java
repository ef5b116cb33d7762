package ovi.aws;

import java.util.List;
import java.util.Map;
import ovi.engine.ActionExecutor;
import ovi.engine.Fence;
import ovi.engine.Kinds;
import ovi.engine.ResourceKind;
import ovi.engine.ResourceLookup;
import ovi.model.Intent;
import ovi.model.Observation;
import ovi.model.Outcome;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Executes intents through each kind's parts; AWS errors become failed outcomes with the request id. An
 * intent the kind has no part for fails without a call (the decision maker plans none: this guards plan
 * files and entries written before).
 */
public final class AwsActionExecutor implements ActionExecutor, ResourceLookup {
    private final Kinds kinds;

    public AwsActionExecutor(Kinds kinds) {
        this.kinds = kinds;
    }

    @Override
    public List<Observation> find(Target target) {
        try {
            return kinds.of(target.type()).find(target);
        } catch (SdkException e) {
            throw new IllegalStateException(AwsErrors.describe(e), e);
        }
    }

    @Override
    public List<String> unfinished(Intent intent, Map<String, String> before, Observation found) {
        return kinds.of(intent.type()).unfinished(intent, before, found);
    }

    @Override
    public Outcome execute(Intent intent, String owner, Fence fence) {
        return execute(intent, owner, fence, Map.of());
    }

    @Override
    public Outcome execute(Intent intent, String owner, Fence fence, Map<String, String> before) {
        ResourceKind kind = kinds.of(intent.type());
        try {
            return switch (intent.action()) {
                case CREATE -> kind.creator().map(c -> c.create(intent, owner, fence)).orElseGet(() -> cannot(intent));
                // an adoption is an update of ovi's own tags alone: its intent carries no other change
                case UPDATE, ADOPT -> kind.updater().map(u -> u.update(intent, owner, fence, before == null ? Map.of() : before))
                        .orElseGet(() -> cannot(intent));
                case DELETE -> kind.deleter().map(d -> d.delete(intent, owner, fence)).orElseGet(() -> cannot(intent));
                case NOTIFY -> throw new IllegalArgumentException("notify is not executed");
            };
        } catch (SdkException e) {
            return new Outcome.Failed(AwsErrors.describe(e), AwsErrors.requestId(e));
        }
    }

    private static Outcome cannot(Intent intent) {
        return new Outcome.Failed("ovi cannot " + intent.action().key() + " " + intent.type() + " resources; nothing "
                + "was done", null);
    }
}
