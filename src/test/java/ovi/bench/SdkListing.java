package ovi.bench;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;

/**
 * The floor for {@code ovi plan}: the instances of one region listed with the SDK and nothing else, at
 * the same page size and filter ovi uses, through the same HTTP client. Prints the instances found, the
 * calls made and the seconds the calls took.
 */
public final class SdkListing {
    public static void main(String[] args) {
        long t0 = System.nanoTime();
        int instances = 0;
        int calls = 0;
        try (Ec2Client ec2 = Ec2Client.builder().region(Region.of(System.getenv().getOrDefault("AWS_REGION", "us-east-1")))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .httpClient(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(30)).build()).build()) {
            for (var page : ec2.describeInstancesPaginator(r -> r.maxResults(1000)
                    .filters(Filter.builder().name("instance-state-name").values("pending", "running", "stopping", "stopped")
                            .build()))) {
                calls++;
                for (var res : page.reservations()) {
                    instances += res.instances().size();
                }
            }
        }
        System.out.printf(java.util.Locale.ROOT, "%d %d %.3f%n", instances, calls, (System.nanoTime() - t0) / 1e9);
    }

    private SdkListing() {
    }
}
