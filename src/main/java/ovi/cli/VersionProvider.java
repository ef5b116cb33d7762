package ovi.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/**
 * The version, commit and build time the build wrote into {@code ovi/build.properties} (pom.xml), so they
 * are set in one place; a commit of "unknown" is a build from outside a git checkout.
 */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        Properties build = build();
        String version = build.getProperty("version");
        if (version == null || version.startsWith("${")) { // classes an IDE built, resources unfiltered
            return new String[] {"ovi (development build)", "Java " + System.getProperty("java.version")};
        }
        return new String[] {"ovi " + version,
            "commit " + build.getProperty("commit", "unknown") + ", built " + build.getProperty("date", "unknown"),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
    }

    /** The build's properties; empty when the classes were not built by Maven (an IDE's own build). */
    static Properties build() {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/ovi/build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // a jar that cannot be read would not have got this far; say "development build" rather than fail
        }
        return p;
    }
}
