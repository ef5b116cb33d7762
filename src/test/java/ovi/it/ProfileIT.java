package ovi.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ovi as a process with a home of its own: the profile files in its ~/.aws and no SSO token cached there, so
 * every failure here happens before a request is sent.
 */
class ProfileIT {
    @TempDir
    Path home;

    private String run(String profile) throws Exception {
        Path aws = Files.createDirectories(home.resolve(".aws"));
        Files.writeString(aws.resolve("config"), """
                [profile sso]
                sso_start_url = https://example.awsapps.com/start
                sso_region = us-east-1
                sso_account_id = 123456789012
                sso_role_name = Admin
                """);
        Path config = home.resolve("ovi.yaml");
        Files.writeString(config, PlanIT.CONFIG);
        ProcessBuilder pb = Cli.process(List.of(), "plan", "-c", config.toString(), "--profile", profile,
                "--endpoint-url", "http://127.0.0.1:9", "-q");
        pb.environment().put("HOME", home.toString());
        List.of("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_CONFIG_FILE",
                "AWS_SHARED_CREDENTIALS_FILE").forEach(pb.environment()::remove);
        Process p = pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), err);
        return err;
    }

    @Test
    void aProfileThatIsNotThereIsSaidSo() throws Exception {
        String err = run("nosuch");

        assertTrue(err.contains("no profile 'nosuch' in ~/.aws/config or ~/.aws/credentials"), err);
    }

    @Test
    void anSsoProfileWithNoTokenSaysToLogIn() throws Exception {
        String err = run("sso");

        assertTrue(err.contains("run 'aws sso login --profile sso'"), err);
        assertTrue(!err.contains("internal error") && !err.contains("class path"), err);
    }
}
