package ovi.aws;

import java.net.URI;

/**
 * How to reach AWS: a named profile (else the default credential chain) and an endpoint override
 * (from {@code --endpoint-url}, else the SDK's own {@code AWS_ENDPOINT_URL}).
 */
public record AwsSettings(String profile, URI endpoint) {

    /**
     * The region of {@code profile} (else {@code AWS_PROFILE}, else {@code default}) in the AWS config file, as
     * the SDK reads it ({@code AWS_CONFIG_FILE} moves it), or null when it names none.
     */
    public static String profileRegion(String profile) {
        String name = profile != null ? profile : System.getenv().getOrDefault("AWS_PROFILE", "default");
        try {
            return software.amazon.awssdk.profiles.ProfileFile.defaultProfileFile().profile(name)
                    .flatMap(p -> p.property("region")).map(String::trim).filter(r -> !r.isEmpty()).orElse(null);
        } catch (RuntimeException unreadable) {
            return null; // a profile file that cannot be read names no region; credentials will say why
        }
    }

    /** The settings for the given flags, falling back to the environment. */
    public static AwsSettings of(String profile, String endpointFlag) {
        String endpoint = endpointFlag != null ? endpointFlag : System.getenv("AWS_ENDPOINT_URL");
        return new AwsSettings(profile, endpoint == null || endpoint.isBlank() ? null : URI.create(endpoint.trim()));
    }
}
