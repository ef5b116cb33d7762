package ovi.aws.lambda;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import ovi.aws.AwsClients;
import ovi.aws.AwsErrors;
import ovi.engine.Fence;
import ovi.engine.ResourceKind;
import ovi.model.Change;
import ovi.model.Intent;
import ovi.model.Outcome;
import ovi.model.Reference;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.Environment;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.State;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionConfigurationRequest;

/**
 * GetFunctionConfiguration first (its ARN, for the tags, and whether Lambda is still busy with an earlier
 * change, which it refuses to overlap: then ovi waits for it), then UpdateFunctionConfiguration for runtime,
 * handler, memory, timeout, role and environment together, UpdateFunctionCode for the code, TagResource
 * for the tags. Each call sets values, so a repeat after a crash is harmless; a crash between the
 * configuration and the code leaves a function whose old code the next plan shows as drift on {@code
 * code}, and the update carried out again does the rest. Lambda runs the configuration change before it
 * takes new code (LastUpdateStatus InProgress), so ovi waits for that in between.
 */
final class LambdaUpdater implements ResourceKind.Updater {
    private final AwsClients aws;

    LambdaUpdater(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public Outcome update(Intent intent, String owner, Fence fence, Map<String, String> before) {
        String name = intent.cloudId();
        LambdaClient lambda = LambdaKind.lambda(aws, intent.region());
        List<String> done = new ArrayList<>();
        UpdateFunctionConfigurationRequest.Builder config = UpdateFunctionConfigurationRequest.builder().functionName(name);
        boolean configChanged = false;
        String code = null;
        Map<String, String> tags = new TreeMap<>();
        for (Change c : intent.changes()) {
            if (Reference.unresolved(c.desired())) {
                return new Outcome.Failed(c.field() + " still names " + String.join(", ", Reference.in(c.desired()))
                        + ", which has no cloud id yet; the function was not changed", null);
            }
            if (c.field().startsWith("tags.")) {
                tags.put(c.field().substring(5), c.desired());
                continue;
            }
            var f = LambdaKind.TYPE.field(c.field());
            if (f.isEmpty() || c.desired() == null) {
                continue;
            }
            switch (c.field()) {
                case "runtime" -> config.runtime(c.desired());
                case "handler" -> config.handler(c.desired());
                case "memory" -> config.memorySize(Integer.valueOf(c.desired()));
                case "timeout" -> config.timeout(Integer.valueOf(c.desired()));
                case "role" -> config.role(Roles.arn(aws, c.desired()));
                case "environment" -> config.environment(Environment.builder()
                        .variables(LambdaFields.variables(c.desired())).build());
                case "code" -> {
                    if (!LambdaFields.s3(c.desired())) {
                        code = c.desired();
                    }
                    continue;
                }
                default -> {
                    continue;
                }
            }
            configChanged = true;
            done.add(c.field().equals("environment") ? "environment" : c.field() + " " + f.get().show(c.current())
                    + " -> " + f.get().show(c.desired()));
        }
        byte[] zip = null;
        if (code != null) {
            try {
                zip = LambdaFields.zipBytes(code); // before any change: a zip changed since the plan changes nothing
            } catch (IllegalStateException e) {
                return new Outcome.Failed(e.getMessage(), null);
            }
        }

        Status now = Status.of(lambda.getFunctionConfiguration(b -> b.functionName(name)));
        String requestId = null;
        if (configChanged) {
            now = now.ready(lambda, name);
            UpdateFunctionConfigurationRequest request = config.build();
            var r = Roles.whileSettling(fence, Roles.SLEEP, () -> lambda.updateFunctionConfiguration(request));
            requestId = AwsErrors.requestId(r);
            now = new Status(now.arn(), r.state(), r.lastUpdateStatus());
        }
        if (zip != null) {
            now = now.ready(lambda, name);
            SdkBytes bytes = SdkBytes.fromByteArrayUnsafe(zip);
            fence.check();
            var r = lambda.updateFunctionCode(b -> b.functionName(name).zipFile(bytes));
            requestId = AwsErrors.requestId(r);
            String want = LambdaFields.codeHash(code);
            String got = LambdaFields.observedCode(r.codeSha256());
            if (!want.equals(got)) {
                throw SdkClientException.create("AWS answered UpdateFunctionCode of " + name + " with the code " + got
                        + ", not the " + want + " sent");
            }
            done.add("code " + want);
        }
        if (!tags.isEmpty()) {
            String arn = now.arn();
            fence.check();
            requestId = AwsErrors.requestId(lambda.tagResource(b -> b.resource(arn).tags(tags)));
            done.add("tags " + String.join(", ", tags.keySet()));
        }
        return new Outcome.Executed(name, requestId, "updated function " + name + ": " + String.join("; ", done));
    }

    /** What Lambda says of a function: its ARN, and whether it is still busy with an earlier change. */
    record Status(String arn, State state, LastUpdateStatus lastUpdate) {
        static Status of(software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse r) {
            if (r.functionArn() == null) {
                throw SdkClientException.create("AWS answered GetFunctionConfiguration without the function's ARN");
            }
            return new Status(r.functionArn(), r.state(), r.lastUpdateStatus());
        }

        /**
         * The function once Lambda will take a change: a new function is Pending until it is Active, and an
         * update runs (InProgress) until it is Successful; Lambda refuses a change meanwhile. The SDK's waiters
         * poll GetFunctionConfiguration; one that ends in Failed is thrown as the error it is.
         */
        Status ready(LambdaClient lambda, String name) {
            Status s = this;
            try (var waiter = lambda.waiter()) {
                if (s.state() == State.PENDING) {
                    s = of(waiter.waitUntilFunctionActive(b -> b.functionName(name)).matched().response()
                            .orElseThrow(() -> SdkClientException.create("the function " + name + " did not become Active")));
                }
                if (s.lastUpdate() == LastUpdateStatus.IN_PROGRESS) {
                    s = of(waiter.waitUntilFunctionUpdated(b -> b.functionName(name)).matched().response()
                            .orElseThrow(() -> SdkClientException.create("the update of " + name + " did not end")));
                }
            }
            return s;
        }
    }
}
