package ovi.aws;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import ovi.engine.ObservationBatch;
import ovi.engine.OviException;
import ovi.engine.ResourceObserver;
import ovi.model.Observation;
import ovi.model.Scope;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Reservation;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;

/**
 * Lists EC2 instances, RDS DB instances and S3 buckets with their tags, every scope on its own thread.
 * Page sizes are the APIs' maximum and tags come with the list calls, except S3, which has no other way
 * to give a bucket's tags than one call per bucket.
 */
public final class AwsResourceObserver implements ResourceObserver {
    static final List<String> LIVE_EC2_STATES = Observations.LIVE_EC2_STATES;

    private final AwsClients aws;
    private final Consumer<String> progress;
    private volatile CompletableFuture<String> account;
    private volatile CompletableFuture<ObservationBatch> prefetched;
    private volatile Set<Scope> prefetchedScopes;

    public AwsResourceObserver(AwsClients aws, Consumer<String> progress) {
        this.aws = aws;
        this.progress = progress;
    }

    /**
     * Starts asking which account the credentials act in, on a thread of its own, so that the call
     * overlaps whatever the caller opens next; {@link #account()} then waits for the answer.
     */
    public void prefetchAccount() {
        account = CompletableFuture.supplyAsync(this::lookUpAccount, r -> {
            Thread t = new Thread(r, "ovi-account");
            t.setDaemon(true);
            t.start();
        });
    }

    @Override
    public String account() {
        CompletableFuture<String> pending = account;
        if (pending == null) {
            return lookUpAccount();
        }
        try {
            return pending.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private String lookUpAccount() {
        try {
            String account = aws.sts().getCallerIdentity().account();
            if (account == null || !account.matches("[0-9]{12}")) {
                throw OviException.failure("cannot tell which AWS account these credentials act in: GetCallerIdentity "
                        + "answered without a valid account id (" + (account == null ? "none" : "'" + account + "'")
                        + ")");
            }
            return account;
        } catch (SdkException e) {
            throw OviException.failure("cannot tell which AWS account these credentials act in: "
                    + AwsErrors.describe(e), e);
        }
    }

    @Override
    public long apiCalls() {
        return aws.calls();
    }

    /**
     * Starts observing {@code scopes} now, on threads of its own, so the listing (the longest part of a
     * run) overlaps opening the store and the WAL. Listing is read-only: if the run stops before it
     * needs the result (the account is not allowed, say), nothing was decided from it.
     */
    public void prefetch(Set<Scope> scopes) {
        Set<Scope> wanted = Set.copyOf(scopes);
        prefetched = CompletableFuture.supplyAsync(() -> list(wanted), r -> {
            Thread t = new Thread(r, "ovi-prefetch");
            t.setDaemon(true);
            t.start();
        });
        prefetchedScopes = wanted;
    }

    @Override
    public ObservationBatch observe(Set<Scope> scopes) {
        CompletableFuture<ObservationBatch> pending = prefetched;
        if (pending != null && Set.copyOf(scopes).equals(prefetchedScopes)) {
            prefetched = null;
            try {
                return pending.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        return list(scopes);
    }

    private ObservationBatch list(Set<Scope> scopes) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(scopes.size(), 8)), r -> {
            Thread t = new Thread(r, "ovi-observe");
            t.setDaemon(true);
            return t;
        });
        try {
            Map<Scope, Future<List<Observation>>> futures = new HashMap<>();
            for (Scope s : scopes) {
                futures.put(s, pool.submit(() -> observe(s)));
            }
            List<Observation> all = new ArrayList<>();
            Map<Scope, String> failures = new ConcurrentHashMap<>();
            for (Map.Entry<Scope, Future<List<Observation>>> f : futures.entrySet()) {
                try {
                    List<Observation> found = f.getValue().get();
                    all.addAll(found);
                    progress.accept("observed " + f.getKey() + ": " + found.size() + " resources");
                } catch (ExecutionException e) {
                    String why = AwsErrors.describe(e.getCause());
                    failures.put(f.getKey(), why);
                    progress.accept("could not observe " + f.getKey() + ": " + why);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw OviException.failure("interrupted while observing " + f.getKey());
                }
            }
            return new ObservationBatch(all, failures, scopes);
        } finally {
            pool.shutdownNow();
        }
    }

    private List<Observation> observe(Scope scope) {
        return switch (scope.type()) {
            case EC2 -> ec2(scope.region());
            case RDS -> rds(scope.region());
            case S3 -> s3();
        };
    }

    private List<Observation> ec2(String region) {
        List<Observation> out = new ArrayList<>();
        for (var page : aws.ec2(region).describeInstancesPaginator(r -> r.maxResults(1000)
                .filters(Filter.builder().name("instance-state-name").values(LIVE_EC2_STATES).build()))) {
            for (Reservation res : page.reservations()) {
                for (Instance i : res.instances()) {
                    out.add(Observations.ec2(region, i));
                }
            }
        }
        return out;
    }

    private List<Observation> rds(String region) {
        List<Observation> out = new ArrayList<>();
        for (var page : aws.rds(region).describeDBInstancesPaginator(r -> r.maxRecords(100))) {
            for (DBInstance db : page.dbInstances()) {
                if (Observations.live(db)) {
                    out.add(Observations.rds(region, db));
                }
            }
        }
        return out;
    }

    private List<Observation> s3() {
        S3Client s3 = aws.s3();
        List<Observation> out = new ArrayList<>();
        for (var page : s3.listBucketsPaginator(r -> r.maxBuckets(1000))) {
            for (Bucket b : page.buckets()) {
                String region = b.bucketRegion();
                if (region == null || region.isEmpty()) {
                    region = Observations.bucketRegion(s3, b.name());
                }
                out.add(Observations.s3(region, b.name(), Observations.bucketTags(s3, b.name())));
            }
        }
        return out;
    }
}
