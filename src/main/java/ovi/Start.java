package ovi;

import ovi.engine.ExitCode;

/**
 * The jar's entry point ({@code java -jar ovi.jar}): {@link Ovi#main}, once the jars ovi.jar's manifest names
 * are there. Refers to no library class itself, so that a jar copied without its {@code lib/} says so in one
 * line instead of the JVM's {@code NoClassDefFoundError: picocli/...}.
 */
public final class Start {
    private Start() {
    }

    public static void main(String[] args) {
        try {
            Class.forName("picocli.CommandLine", false, Start.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            java.security.CodeSource src = Start.class.getProtectionDomain().getCodeSource();
            System.err.println("ovi: " + (src == null ? "ovi.jar" : src.getLocation().getPath())
                    + " cannot find the libraries its manifest names beside it (picocli, the AWS SDK, ...): "
                    + "unpack the whole distribution (ovi-VERSION.tar.gz) and run its bin/ovi or lib/ovi.jar");
            System.exit(ExitCode.ERROR);
        }
        Ovi.main(args);
    }
}
