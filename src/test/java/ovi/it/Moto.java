package ovi.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The moto server scripts/test.sh started on 127.0.0.1, and SDK clients to seed it. Tests fail, rather
 * than skip, without one: a skipped integration test proves nothing.
 */
public final class Moto {
    public static final String REGION = "us-east-1";

    private Moto() {
    }

    public static URI endpoint() {
        String url = System.getenv("AWS_ENDPOINT_URL");
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("AWS_ENDPOINT_URL is not set: run the tests with scripts/test.sh, "
                    + "which starts a moto server");
        }
        URI uri = URI.create(url);
        if (!uri.getHost().equals("127.0.0.1") && !uri.getHost().equals("localhost")) {
            throw new IllegalStateException("integration tests only talk to a loopback moto server, not " + url);
        }
        return uri;
    }

    /** Forgets every resource moto holds. */
    public static void reset() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(endpoint().resolve("/moto-api/reset"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("moto reset answered " + r.statusCode());
        }
    }

    private static StaticCredentialsProvider creds() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
    }

    /** Any service's SDK client, aimed at moto with fake credentials: {@code Moto.client(SqsClient.builder())}. */
    public static <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, C>
            & software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, C>, C> C client(B builder) {
        return builder.region(Region.of(REGION)).endpointOverride(endpoint()).credentialsProvider(creds())
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    public static Ec2Client ec2(String region) {
        return Ec2Client.builder().region(Region.of(region)).endpointOverride(endpoint()).credentialsProvider(creds())
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    public static RdsClient rds(String region) {
        return RdsClient.builder().region(Region.of(region)).endpointOverride(endpoint()).credentialsProvider(creds())
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    public static S3Client s3() {
        return S3Client.builder().region(Region.of(REGION)).endpointOverride(endpoint()).forcePathStyle(true)
                .credentialsProvider(creds()).httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** Starts one instance with these tags; returns its id. */
    public static String runInstance(Ec2Client ec2, String type, Map<String, String> tags) {
        var tagList = tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
        var req = software.amazon.awssdk.services.ec2.model.RunInstancesRequest.builder()
                .imageId("ami-12c6146b").instanceType(InstanceType.fromValue(type)).minCount(1).maxCount(1);
        if (!tagList.isEmpty()) {
            req.tagSpecifications(TagSpecification.builder().resourceType(ResourceType.INSTANCE).tags(tagList).build());
        }
        return ec2.runInstances(req.build()).instances().get(0).instanceId();
    }

    /**
     * The default VPC's default security group in {@code region}. Every VPC has one, untagged, so every plan
     * observes it and reports it as unmanaged (a notify decision with this id).
     */
    public static String defaultSecurityGroup(String region) {
        try (Ec2Client ec2 = ec2(region)) {
            return ec2.describeSecurityGroups(b -> b.filters(f -> f.name("group-name").values("default")))
                    .securityGroups().stream().filter(g -> "default".equals(g.groupName())).findFirst()
                    .orElseThrow(() -> new IllegalStateException("moto has no default security group in " + region))
                    .groupId();
        }
    }

    public static Map<String, String> managed(String owner, String id, String... more) {
        java.util.Map<String, String> tags = new java.util.HashMap<>();
        tags.put("ovi:managed", "true");
        tags.put("ovi:owner", owner);
        tags.put("ovi:id", id);
        for (int i = 0; i + 1 < more.length; i += 2) {
            tags.put(more[i], more[i + 1]);
        }
        return tags;
    }
}
