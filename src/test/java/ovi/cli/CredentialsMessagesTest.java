package ovi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import ovi.Ovi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a run says when its profile gives no credentials. Everything fails before a request is sent (the
 * endpoint is a closed local port in any case): the profile files are temporary ones, named by the
 * system properties the SDK reads.
 */
class CredentialsMessagesTest {
    @TempDir
    Path dir;
    Path config;

    @BeforeEach
    void setUp() throws Exception {
        config = dir.resolve("ovi.yaml");
        Files.writeString(config, "version: v1\nprovider: aws\nregion: us-east-1\nowner: team-web\nresources: []\n");
        Path aws = Files.createDirectories(dir.resolve("aws"));
        Files.writeString(aws.resolve("config"), """
                [profile sso]
                sso_start_url = https://ovi-test.invalid/start
                sso_region = us-east-1
                sso_account_id = 123456789012
                sso_role_name = Admin

                [sso-session corp]
                sso_start_url = https://ovi-test-session.invalid/start
                sso_region = us-east-1

                [profile corp]
                sso_session = corp
                sso_account_id = 123456789012
                sso_role_name = Admin

                [profile empty]
                region = us-east-1
                """);
        Files.writeString(aws.resolve("credentials"), "");
        System.setProperty("aws.configFile", aws.resolve("config").toString());
        System.setProperty("aws.sharedCredentialsFile", aws.resolve("credentials").toString());
    }

    @AfterEach
    void tearDown() {
        System.clearProperty("aws.configFile");
        System.clearProperty("aws.sharedCredentialsFile");
    }

    private String planWith(String profile) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Ovi.commandLine(new PrintWriter(out), new PrintWriter(err)).execute("plan", "-c", config.toString(),
                "--state-dir", dir.resolve("state").toString(), "--profile", profile, "--endpoint-url",
                "http://127.0.0.1:9", "-q");
        String said = err.toString();
        assertEquals(1, code, said);
        assertFalse(said.contains("internal error"), said);
        return said;
    }

    @Test
    void aMissingProfileIsNamedWithTheFilesItWasLookedFor() {
        String said = planWith("nosuch");

        assertTrue(said.contains("no profile 'nosuch' in " + dir.resolve("aws/config") + " or "
                + dir.resolve("aws/credentials")), said);
    }

    @Test
    void anSsoProfileWithNoTokenSaysToLogIn() {
        assertTrue(planWith("sso").contains("run 'aws sso login --profile sso'"), "legacy sso_start_url profile");
        assertTrue(planWith("corp").contains("run 'aws sso login --profile corp'"), "sso_session profile");
    }

    @Test
    void aProfileWithoutCredentialsSaysWhatItLacks() {
        String said = planWith("empty");

        assertTrue(said.contains("profile 'empty' in " + dir.resolve("aws/config")), said);
        assertTrue(said.contains("gives no credentials"), said);
    }
}
