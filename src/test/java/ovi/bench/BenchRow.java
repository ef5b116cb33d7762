package ovi.bench;

/**
 * One figure of the benchmark, as written to {@code target/bench.json}.
 *
 * @param scenario    first (empty store), steady (nothing changed), drift-1% , or e2e-moto
 * @param stage       observe, store, compare, decide, wal, plan (the whole run), or an end-to-end measure
 * @param n           resources
 * @param seconds     wall time of the stage
 * @param peakHeapMb  the heap's peak during the stage (sum of the heap pools' peaks: an upper bound), -1 if
 *                    not measured
 * @param awsCalls    AWS calls made (end to end) or that the real observer would make (synthetic rows)
 * @param rowsWritten resource rows the store wrote, -1 where it does not apply
 */
record BenchRow(String scenario, String stage, int n, double seconds, long peakHeapMb, long awsCalls, long rowsWritten) {
}
