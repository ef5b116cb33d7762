package ovi.aws;

import java.nio.file.Path;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileFileLocation;

/**
 * The run's credentials: those of a named profile, else the SDK's default chain, with the SDK's failures to
 * find them said in terms of the profile (which one is missing, which one gives no credentials, whose SSO
 * session to log in again) instead of the SDK's dump of the profile file. Nothing is read before the first
 * call asks for credentials.
 */
final class ProfileCredentials implements AwsCredentialsProvider, AutoCloseable {
    private final String profile;
    private final AwsCredentialsProvider sdk;

    ProfileCredentials(String profile) {
        this.profile = profile;
        this.sdk = profile != null ? ProfileCredentialsProvider.create(profile) : DefaultCredentialsProvider.builder().build();
    }

    @Override
    public AwsCredentials resolveCredentials() {
        if (profile != null && ProfileFile.defaultProfileFile().profile(profile).isEmpty()) {
            throw new AwsErrors.NoCredentials("no profile '" + profile + "' in " + files()
                    + ": name one of its profiles with --profile, or leave --profile out for the default credentials");
        }
        try {
            return sdk.resolveCredentials();
        } catch (SdkClientException e) {
            String named = profile != null ? profile : System.getenv("AWS_PROFILE");
            if (sso(e)) {
                throw new AwsErrors.NoCredentials("the SSO session of profile '" + (named == null ? "default" : named)
                        + "' has expired or was never started: run 'aws sso login"
                        + (named == null ? "" : " --profile " + named) + "' and then ovi again", e);
            }
            if (profile != null && String.valueOf(e.getMessage()).startsWith("Profile file contained no credentials")) {
                throw new AwsErrors.NoCredentials("profile '" + profile + "' in " + files() + " gives no credentials: "
                        + "it has no aws_access_key_id and aws_secret_access_key, sso_session or sso_start_url, role_arn "
                        + "or credential_process", e);
            }
            throw e;
        }
    }

    /** A failure to use an SSO token: none cached for the session, or one that has expired. */
    private static boolean sso(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = String.valueOf(c.getMessage());
            if (c instanceof software.amazon.awssdk.services.sso.auth.ExpiredTokenException
                    || m.contains("Unable to load SSO token") || m.contains("The SSO session associated with this profile")) {
                return true;
            }
        }
        return false;
    }

    /** The two files profiles come from, as the SDK finds them ({@code AWS_CONFIG_FILE} and the like). */
    static String files() {
        return home(ProfileFileLocation.configurationFilePath()) + " or " + home(ProfileFileLocation.credentialsFilePath());
    }

    private static String home(Path p) {
        String home = software.amazon.awssdk.utils.UserHomeDirectoryUtils.userHomeDirectory(); // as the SDK finds it
        String s = p.toString();
        return home != null && !home.isEmpty() && s.startsWith(home + "/") ? "~" + s.substring(home.length()) : s;
    }

    @Override
    public void close() {
        if (sdk instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception ignored) {
                // nothing of the run depends on it any more
            }
        }
    }
}
