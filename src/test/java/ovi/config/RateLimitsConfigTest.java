package ovi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The config's rateLimits: requests per second per service, each of reads and writes optional. */
class RateLimitsConfigTest {
    private static final String BODY = """
            version: v1
            provider: aws
            region: us-east-1
            owner: team
            resources:
              - type: s3
                name: logs
                bucket: team-logs
            """;

    @Test
    void ratesAreReadPerServiceAndLeftOutOnesStayUnset() throws Exception {
        OviConfig c = ConfigLoader.parse(BODY + """
                rateLimits:
                  ec2: {reads: 5, writes: 0.5}
                  s3:
                    reads: 40
                """, null);
        assertEquals(Map.of("ec2", new OviConfig.RateLimit(5.0, 0.5), "s3", new OviConfig.RateLimit(40.0, null)),
                c.rateLimits());
    }

    @Test
    void anUnknownServiceAWrongTypeAndARateOutOfRangeAreEachReportedWhereWritten() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(BODY + """
                rateLimits:
                  ec3: {reads: 5}
                  rds: {reads: fast}
                  sqs: {writes: 0}
                  sns: {read: 3}
                  iam: 7
                """, null));
        List<String> lines = e.getMessage().lines().toList();
        assertEquals(5, lines.size(), e.getMessage());
        assertTrue(lines.get(0).startsWith("<config>:10:3: rateLimits.ec3: unknown key 'ec3' in rateLimits"), lines.get(0));
        assertTrue(lines.get(0).contains("allowed keys are ec2, rds, s3, iam, dynamodb, lambda, sqs, sns, sts"), lines.get(0));
        assertTrue(lines.get(1).startsWith("<config>:11:16: rateLimits.rds.reads: expected requests per second from 0.01 to "
                + "10000"), lines.get(1));
        assertTrue(lines.get(1).endsWith("got the string 'fast'"), lines.get(1));
        assertTrue(lines.get(2).startsWith("<config>:12:17: rateLimits.sqs.writes: expected requests per second"), lines.get(2));
        assertTrue(lines.get(3).startsWith("<config>:13:9: rateLimits.sns.read: unknown key 'read'"), lines.get(3));
        assertTrue(lines.get(4).startsWith("<config>:14:8: rateLimits.iam: expected {reads: N, writes: N}"), lines.get(4));
    }

    @Test
    void notAMappingAtAll() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(BODY + "rateLimits: 5\n", null));
        assertTrue(e.getMessage().contains("rateLimits: expected a mapping of service to {reads: N, writes: N}"),
                e.getMessage());
    }
}
