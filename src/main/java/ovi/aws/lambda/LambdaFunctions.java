package ovi.aws.lambda;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import ovi.aws.AwsClients;
import ovi.aws.Observations;
import ovi.engine.AbstractResourceKind;
import ovi.engine.ResourceLookup;
import ovi.model.Observation;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;

/**
 * Lambda functions through one run's clients. ListFunctions (50 a page, its maximum) gives each function's
 * configuration but not its tags, and without the tags ovi cannot tell its own functions from others: so
 * one ListTags per function, the only way this SDK offers (Resource Groups Tagging would list them all at
 * once, but its module is not part of ovi). A look-up by name is one GetFunction, which carries the tags.
 */
final class LambdaFunctions extends AbstractResourceKind {
    private final AwsClients aws;

    LambdaFunctions(AwsClients aws) {
        super(LambdaKind.TYPE, new LambdaCreator(aws), new LambdaUpdater(aws), new LambdaDeleter(aws));
        this.aws = aws;
    }

    @Override
    public List<Observation> list(String region) {
        LambdaClient lambda = LambdaKind.lambda(aws, region);
        List<Observation> out = new ArrayList<>();
        for (var page : lambda.listFunctionsPaginator(b -> b.maxItems(50))) {
            for (FunctionConfiguration f : page.functions()) {
                tags(lambda, f.functionArn()).ifPresent(tags -> out.add(observation(region, f, tags)));
            }
            aws.listed(type(), region, out.size());
        }
        return out;
    }

    /** A function by name: one GetFunction, which gives its configuration and tags together. */
    @Override
    public List<Observation> find(ResourceLookup.Target t) {
        if (t.cloudId() == null) {
            throw new IllegalArgumentException("a function is looked up by its name, and none was given for " + t.oviId());
        }
        LambdaClient lambda = LambdaKind.lambda(aws, t.region());
        GetFunctionResponse r;
        try {
            r = lambda.getFunction(b -> b.functionName(t.cloudId()));
        } catch (AwsServiceException e) {
            if (gone(e)) {
                return List.of();
            }
            throw e;
        }
        if (r.configuration() == null) {
            return List.of();
        }
        return List.of(observation(t.region(), r.configuration(), r.tags()));
    }

    /** A function's tags; empty when it went between the listing and this call. */
    private static Optional<Map<String, String>> tags(LambdaClient lambda, String arn) {
        try {
            return Optional.of(lambda.listTags(b -> b.resource(arn)).tags());
        } catch (AwsServiceException e) {
            if (gone(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** One function as an observation, the same from the listing and from a look-up (so content hashes agree). */
    static Observation observation(String region, FunctionConfiguration f, Map<String, String> tags) {
        Map<String, String> attrs = new HashMap<>();
        Observations.putIfPresent(attrs, "runtime", f.runtimeAsString());
        Observations.putIfPresent(attrs, "handler", f.handler());
        Observations.putIfPresent(attrs, "memory", f.memorySize() == null ? null : f.memorySize().toString());
        Observations.putIfPresent(attrs, "timeout", f.timeout() == null ? null : f.timeout().toString());
        Observations.putIfPresent(attrs, "role", LambdaFields.roleName(f.role()));
        if (f.environment() == null || f.environment().error() == null) {
            // no Environment at all is no variables; one Lambda could not decrypt is left out, so it is drift
            attrs.put("environment", LambdaFields.environmentValue(f.environment() == null ? Map.of()
                    : f.environment().variables()));
        }
        Observations.putIfPresent(attrs, "code", LambdaFields.observedCode(f.codeSha256()));
        return new Observation(LambdaKind.TYPE, region, f.functionName(), attrs, new HashMap<>(tags));
    }

    static boolean gone(AwsServiceException e) {
        return Observations.errorCode(e, "ResourceNotFoundException");
    }
}
