package ovi.model;

/** The tag keys through which ovi recognises what it manages. */
public final class Tags {
    public static final String MANAGED = "ovi:managed";
    public static final String OWNER = "ovi:owner";
    public static final String ID = "ovi:id";
    public static final String BLESSED = "ovi:blessed";

    private Tags() {
    }

    /** True for keys ovi sets itself; a config may not declare them. */
    public static boolean reserved(String key) {
        return key.startsWith("ovi:");
    }
}
