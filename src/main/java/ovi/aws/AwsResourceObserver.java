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
import ovi.engine.Kinds;
import ovi.engine.ObservationBatch;
import ovi.engine.OviException;
import ovi.engine.ResourceObserver;
import ovi.model.Observation;
import ovi.model.Scope;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Lists every kind in every scope through the kind's own {@link ovi.engine.ResourceKind#list}, every scope
 * on its own thread; asks STS which account the credentials act in.
 */
public final class AwsResourceObserver implements ResourceObserver {
    private final AwsClients aws;
    private final Kinds kinds;
    private final Consumer<String> progress;
    private volatile CompletableFuture<String> account;
    private volatile CompletableFuture<ObservationBatch> prefetched;
    private volatile Set<Scope> prefetchedScopes;

    public AwsResourceObserver(AwsClients aws, Kinds kinds, Consumer<String> progress) {
        this.aws = aws;
        this.kinds = kinds;
        this.progress = progress;
        aws.pagesTo(ovi.engine.Progress.of(progress));
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
        return kinds.of(scope.type()).list(scope.region());
    }

    @Override
    public ovi.model.Observation complete(ovi.model.Observation o) {
        try {
            return kinds.of(o.type()).complete(o);
        } catch (software.amazon.awssdk.core.exception.SdkException e) {
            throw new IllegalStateException(AwsErrors.describe(e), e);
        }
    }
}
