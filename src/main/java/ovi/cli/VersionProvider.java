package ovi.cli;

import picocli.CommandLine;

/** The version from the jar's manifest, so it is set in one place (pom.xml). */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {"ovi " + (v == null ? "(development build)" : v),
            "Java " + System.getProperty("java.version")};
    }
}
