package io.kitbridge.sync;

import io.kitbridge.store.MirrorRecord;
import io.kitbridge.store.MirrorStore;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * A page's mirror reads and writes as parallel batch calls (kitbridge.sync.dynamo-concurrency): DynamoDB batch
 * calls are latency-bound, so 1000 items as 40 sequential BatchWriteItem calls would dominate the page time.
 */
@ApplicationScoped
class MirrorIo {
    private static final int GET_CHUNK = 100;
    private static final int PUT_CHUNK = 100;

    @Inject
    MirrorStore mirror;

    @Inject
    SyncConfig config;

    private volatile ExecutorService pool;

    Map<Long, MirrorRecord> getAll(String account, List<Long> ids) {
        Map<Long, MirrorRecord> out = new HashMap<>();
        parallel(ids, GET_CHUNK, chunk -> mirror.getAll(account, chunk)).forEach(out::putAll);
        return out;
    }

    int putAll(List<MirrorRecord> records) {
        return parallel(records, PUT_CHUNK, mirror::putAll).stream().mapToInt(Integer::intValue).sum();
    }

    private <T, R> List<R> parallel(List<T> items, int chunkSize, Function<List<T>, R> work) {
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
            throw new IllegalStateException("interrupted while writing the mirror", e);
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
                    pool = Executors.newFixedThreadPool(config.dynamoConcurrency(), r -> {
                        Thread t = new Thread(r, "sync-mirror-io");
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
