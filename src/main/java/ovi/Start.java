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
        if (version(args, System.out)) {
            System.exit(ExitCode.OK);
        }
        Ovi.main(args);
    }

    /**
     * Prints what {@code ovi --version} prints through picocli when {@code args} asks only for that, without
     * building every verb's command line first (a third of the start-up); the lines are the same.
     *
     * @return whether {@code args} was that request, and is answered
     */
    static boolean version(String[] args, java.io.PrintStream out) {
        if (args.length != 1 || !(args[0].equals("--version") || args[0].equals("-V"))) {
            return false;
        }
        for (String line : new ovi.cli.VersionProvider().getVersion()) {
            out.println(line);
        }
        out.flush();
        return true;
    }
}
