package io.kitbridge.sync;

import io.kitbridge.kit.PageQuery;
import io.kitbridge.common.InvocationDeadline;
import io.kitbridge.kit.KitErrorKind;
import io.kitbridge.kit.KitException;
import io.kitbridge.kit.SubscriberPage;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One subscriber page read ahead: while a page is written to the mirror, the next one is read from Kit (through
 * the same gateway and rate budget), so a run's wall time approaches the budget bound instead of Kit latency plus
 * DynamoDB writes. At most one page is held (bounded memory); it is keyed by run, cursor and filter, so it is used
 * only by the unit that would read exactly that page, and the cursor still advances only after a page is stored.
 * A page read ahead keeps its own read time (its observation time under the ordering rule).
 */
@ApplicationScoped
class PageAhead {
    @Inject SyncKit kit;

    @Inject SyncConfig config;

    @Inject Clock clock;

    @Inject InvocationDeadline deadline;

    private final AtomicReference<Pending> pending = new AtomicReference<>();
    /** One reader thread, started on the first page read ahead; named like the runtime's invocation thread (this is
     * function work, which the tests' IAM guard checks). */
    private final ExecutorService reader = Executors.newSingleThreadExecutor(task -> {
        Thread t = new Thread(task, "Lambda Thread sync-page-ahead");
        t.setDaemon(true);
        return t;
    });

    /** Which page: the run, the cursor it starts after, the updated_after filter and include. */
    record Key(String account, String runId, String cursor, String updatedAfter, String include) {
    }

    /** A page as read: when the request went out (its observation time) and the call's outcome. */
    record Read(long readAt, SyncKit.Timed<SubscriberPage> call) {
    }

    private record Pending(Key key, Future<Read> read) {
    }

    /** Reads the page now, on this thread. */
    Read read(Key key) {
        long readAt = clock.millis();
        return new Read(readAt, kit.timed(key.account(), "sync: list subscribers", api -> api.listSubscribersIncluding(
                key.account(), "all", key.updatedAfter(), key.include(), PageQuery.of(config.pageSize(), key.cursor()))));
    }

    /** Starts reading the page on the reader thread (within this invocation's deadline) unless it already is. */
    void start(Key key) {
        Pending current = pending.get();
        if (current != null && current.key().equals(key)) {
            return;
        }
        Long until = deadline.current();
        Future<Read> future = reader.submit(() -> until == null ? read(key) : deadline.within(until, () -> read(key)));
        pending.set(new Pending(key, future)); // replaces any other: never more than one page held
    }

    /** The page read ahead for this key (waiting for it if still in flight), or empty: read it now. */
    Optional<Read> take(Key key) {
        Pending current = pending.get();
        if (current == null || !current.key().equals(key) || !pending.compareAndSet(current, null)) {
            return Optional.empty();
        }
        try {
            long left = deadline.remainingMillis().orElse(Long.MAX_VALUE);
            return Optional.of(left == Long.MAX_VALUE ? current.read().get()
                    : current.read().get(Math.max(1, left), TimeUnit.MILLISECONDS));
        } catch (TimeoutException late) {
            current.read().cancel(true);
            return Optional.of(new Read(clock.millis(), new SyncKit.Timed<>(null, new KitException(KitErrorKind.TRANSPORT,
                    0, List.of(), null, "the page read ahead did not arrive before the invocation's deadline", late),
                    true, 0)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for a Kit page", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** Drops a page read ahead for another listing (a run that changed course). */
    void discard(String runId) {
        Pending current = pending.get();
        if (current != null && Objects.equals(current.key().runId(), runId)) {
            pending.compareAndSet(current, null);
        }
    }

    @PreDestroy
    void close() {
        reader.shutdownNow();
    }
}
