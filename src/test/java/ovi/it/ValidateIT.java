package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ovi validate} as CI runs it: a process of its own with no AWS credentials at all. Its AWS endpoint is
 * a loopback socket that only counts connections, so a call to AWS would show (and never leave the host).
 */
class ValidateIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    private Run validate(ServerSocket aws, String... args) throws Exception {
        return validate(aws, Map.of(), args);
    }

    private Run validate(ServerSocket aws, Map<String, String> extraEnv, String... args) throws Exception {
        ProcessBuilder pb = Cli.process(List.of(), args).directory(dir.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("AWS_"));
        env.put("HOME", dir.resolve("home").toString()); // no ~/.aws
        env.put("AWS_CONFIG_FILE", dir.resolve("none/config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("none/credentials").toString());
        env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:" + aws.getLocalPort());
        env.put("IMAGE", "ami-0123456789abcdef0");
        env.putAll(extraEnv);
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "validate ended");
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir) && !p.getFileName().toString().matches("(out|err)\\.txt")).sorted().toList();
        }
    }

    @Test
    void validateNeedsNoAwsAndCreatesNoState() throws Exception {
        Path config = Files.writeString(dir.resolve("ovi.yaml"), """
                version: v1
                provider: aws
                region: us-east-1
                owner: team-web
                x-defaults: &web {type: ec2, size: t3.micro, image: "${IMAGE}"}
                resources:
                  - <<: *web
                    name: web
                    count: 2
                  - <<: *web
                    name: big
                    size: 42
                """);
        try (ServerSocket aws = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Run bad = validate(aws, "validate", "-c", config.toString(), "-o", "json");
            assertEquals(65, bad.code(), bad::toString);
            JsonNode doc = JSON.readTree(bad.out());
            assertEquals(1, doc.get("problems").size(), doc::toString);
            JsonNode p = doc.get("problems").get(0);
            assertEquals(List.of(12, 11, "resources[1].size"),
                    List.of(p.get("line").asInt(), p.get("column").asInt(), p.get("key").asText()), doc::toString);

            Files.writeString(config, Files.readString(config).replace("size: 42", "size: t3.large"));
            Run ok = validate(aws, "validate", "-c", config.toString());
            assertEquals(0, ok.code(), ok::toString);
            assertTrue(ok.out().startsWith("ok: "), ok::toString);

            aws.setSoTimeout(200);
            try {
                aws.accept().close();
                throw new AssertionError("validate connected to its AWS endpoint");
            } catch (SocketTimeoutException expected) {
                // no connection was made
            }
        }
        assertEquals(List.of(config), files(dir), "no .ovi state directory, no store, no WAL");
    }

    /** The default region: the config's, else --region, else AWS_REGION, else the profile's; a disagreement said once. */
    @Test
    void theDefaultRegionComesFromTheConfigThenRegionThenAwsRegionThenTheProfile() throws Exception {
        Path config = Files.writeString(dir.resolve("ovi.yaml"), """
                version: v1
                provider: aws
                owner: team-web
                resources:
                  - {type: ec2, size: t3.micro, image: ami-123}
                """);
        Path profiles = Files.createDirectories(dir.resolve("aws")).resolve("config");
        Files.writeString(profiles, "[default]\nregion = ap-south-1\n");
        Map<String, String> profile = Map.of("AWS_CONFIG_FILE", profiles.toString());
        Map<String, String> both = Map.of("AWS_CONFIG_FILE", profiles.toString(), "AWS_REGION", "eu-central-1");
        try (ServerSocket aws = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertEquals("ap-south-1", region(validate(aws, profile, "validate", "-c", config.toString(), "--json")));
            assertEquals("eu-central-1", region(validate(aws, both, "validate", "-c", config.toString(), "--json")));
            assertEquals("eu-west-1", region(validate(aws, both, "validate", "-c", config.toString(), "--json",
                    "--region", "eu-west-1")));

            Run mars = validate(aws, Map.of("AWS_REGION", "mars-north-1"), "validate", "-c", config.toString());
            assertEquals(65, mars.code(), mars::toString);
            assertTrue(mars.err().contains("missing required key 'region', and AWS_REGION 'mars-north-1' is not an AWS "
                    + "region"), mars::toString);

            Files.writeString(config, Files.readString(config).replace("owner:", "region: us-east-1\nowner:"));
            assertEquals(0, validate(aws, Map.of("AWS_REGION", "mars-north-1"), "validate", "-c", config.toString())
                    .code(), "a bad AWS_REGION the config does not need is no error");
            Run own = validate(aws, both, "validate", "-c", config.toString(), "--json");
            assertEquals("us-east-1", region(own), "the config's own region wins");
            assertEquals(1, own.err().lines().filter(l -> l.contains("warning: the config's region us-east-1 is this "
                    + "run's default region, not eu-central-1 from AWS_REGION")).count(), own::toString);
            Run quiet = validate(aws, profile, "validate", "-c", config.toString(), "--json");
            assertEquals("", quiet.err(), "a profile's region differing from the config's is not worth a warning");
        }
    }

    private static String region(Run r) throws Exception {
        assertEquals(0, r.code(), r::toString);
        return JSON.readTree(r.out()).get("region").asText();
    }
}
