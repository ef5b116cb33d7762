package ovi.aws;

import java.net.URI;

/**
 * How to reach AWS: a named profile (else the default credential chain) and an endpoint override
 * (from {@code --endpoint-url}, else the SDK's own {@code AWS_ENDPOINT_URL}).
 */
public record AwsSettings(String profile, URI endpoint) {

    /** The settings for the given flags, falling back to the environment. */
    public static AwsSettings of(String profile, String endpointFlag) {
        String endpoint = endpointFlag != null ? endpointFlag : System.getenv("AWS_ENDPOINT_URL");
        return new AwsSettings(profile, endpoint == null || endpoint.isBlank() ? null : URI.create(endpoint.trim()));
    }
}
