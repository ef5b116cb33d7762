package ovi.cli;

import ovi.aws.AwsSettings;
import picocli.CommandLine.Option;

/** How to reach AWS. */
public final class AwsOptions {
    @Option(names = "--profile", paramLabel = "NAME",
            description = "Named profile from ~/.aws/config (default: the SDK's default credential chain).")
    String profile;

    @Option(names = "--endpoint-url", paramLabel = "URL",
            description = "Send every AWS call to this endpoint (default: the AWS_ENDPOINT_URL variable, else AWS itself).")
    String endpointUrl;

    public AwsSettings settings() {
        return AwsSettings.of(profile, endpointUrl);
    }
}
