package ovi.model;

import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a storage size such as {@code 20Gi} into whole GiB, the unit RDS and EBS allocate in.
 *
 * <p>AWS labels RDS storage "GB" but means GiB, so the decimal-looking suffixes M, G and T are read
 * as Mi, Gi and Ti: someone copying "20 GB" from the console into {@code storage: 20G} gets the 20
 * GiB they saw there, not 18.6.
 */
public final class StorageSize {
    static final long MIN_GIB = 1;
    static final long MAX_GIB = 65536;

    // Anchored and without exponents or signs: "1e3Gi" and "-5Gi" are typos far more often than intent.
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,12}(?:\\.\\d{1,12})?)(Ki|Mi|Gi|Ti|M|G|T)?");
    private static final BigDecimal KIB_PER_GIB = BigDecimal.valueOf(1024L * 1024L);
    private static final BigDecimal MIB_PER_GIB = BigDecimal.valueOf(1024L);
    private static final Map<String, BigDecimal> GIB_PER_UNIT = Map.of(
            "Ki", BigDecimal.ONE.divide(KIB_PER_GIB),
            "Mi", BigDecimal.ONE.divide(MIB_PER_GIB),
            "M", BigDecimal.ONE.divide(MIB_PER_GIB),
            "Gi", BigDecimal.ONE,
            "G", BigDecimal.ONE,
            "Ti", BigDecimal.valueOf(1024),
            "T", BigDecimal.valueOf(1024));

    private StorageSize() {
    }

    /**
     * @return the size in GiB, between 1 and 65536
     * @throws IllegalArgumentException naming the value when it is malformed, not whole GiB, or out of range
     */
    public static long parseGiB(String text) {
        if (text == null) {
            throw new IllegalArgumentException("storage size is missing; expected e.g. 20Gi");
        }
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("storage size '" + text + "' is malformed; expected a number"
                    + " with an optional unit Ki, Mi, Gi or Ti (M, G, T mean the same, as in the AWS console)"
                    + " and no space, e.g. 20Gi; a plain number is GiB");
        }
        String unit = m.group(2) == null ? "Gi" : m.group(2);
        // Powers of two divide decimals exactly, so no rounding can creep in here.
        BigDecimal gib = new BigDecimal(m.group(1)).multiply(GIB_PER_UNIT.get(unit));
        if (gib.signum() != 0 && gib.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException("storage size '" + text + "' is " + gib.stripTrailingZeros()
                    .toPlainString() + " GiB; AWS allocates storage in whole GiB");
        }
        if (gib.compareTo(BigDecimal.valueOf(MIN_GIB)) < 0) {
            throw new IllegalArgumentException("storage size '" + text + "' is below the minimum of "
                    + MIN_GIB + " GiB");
        }
        if (gib.compareTo(BigDecimal.valueOf(MAX_GIB)) > 0) {
            throw new IllegalArgumentException("storage size '" + text + "' is above the maximum of "
                    + MAX_GIB + " GiB");
        }
        return gib.longValueExact();
    }
}
