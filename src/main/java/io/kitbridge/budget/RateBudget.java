package io.kitbridge.budget;

import io.kitbridge.store.Attr;
import io.kitbridge.store.Items;
import io.kitbridge.store.TableNames;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * One rate budget per Kit credential, shared by every function through one item in the control table.
 * A permit is a compare-and-set of the item's version: we compute the next state from the last one we saw
 * (cached, so an uncontended permit costs one UpdateItem) and re-read only when another Lambda won.
 */
@ApplicationScoped
public class RateBudget {
    @Inject DynamoDbClient dynamo;

    @Inject TableNames tables;

    @Inject BudgetConfig config;

    @Inject BudgetMetrics metrics;

    @Inject Clock clock;

    private final Map<String, BudgetState> lastSeen = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> localLocks = new ConcurrentHashMap<>();

    /**
     * Takes a permit, waiting in-process up to {@code maxWait} (jittered retries under contention).
     *
     * @param limit requests per window the credential behind {@code budgetKey} may send
     * @throws BudgetExhaustedException with the time until a permit is free, if that exceeds maxWait
     */
    public Permit acquire(String budgetKey, int limit, Priority priority, Duration maxWait) {
        Gcra gcra = gcraFor(limit);
        long start = clock.millis();
        long grantAt = reserve(budgetKey, gcra, priority, maxWait.toMillis(), start, 1)[0];
        long sleep = grantAt - clock.millis();
        if (sleep > 0) {
            sleepQuietly(sleep);
        }
        long waited = Math.max(0, clock.millis() - start);
        metrics.granted(budgetKey, waited);
        return new Permit(budgetKey, priority, grantAt, waited);
    }

    /**
     * Reserves {@code count} permits for requests sent one after another (a person's upsert and tags) in one
     * conditional write: the same schedule {@code count} single permits would get, each used at its own time
     * ({@link Reservation#take}). All of them must fall within {@code maxWait}, or none is taken.
     *
     * @throws BudgetExhaustedException with the time until the permits are free, if that exceeds maxWait
     */
    public Reservation reserve(String budgetKey, int limit, Priority priority, Duration maxWait, int count) {
        long start = clock.millis();
        long[] times = reserve(budgetKey, gcraFor(limit), priority, maxWait.toMillis(), start, count);
        return new Reservation(times, config.safetyMargin().toMillis() / 2, clock, this::sleepQuietly,
                waited -> metrics.granted(budgetKey, waited));
    }

    /** Kit said 429: every function using this credential pauses until the stated time (or a backoff). */
    public Duration reportThrottled(String budgetKey, Optional<Duration> retryAfter) {
        metrics.throttled(budgetKey);
        ReentrantLock lock = localLocks.computeIfAbsent(budgetKey, k -> new ReentrantLock());
        lock.lock();
        try {
            for (int attempt = 0; attempt < config.maxContentionRetries(); attempt++) {
                BudgetState s = lastSeen.computeIfAbsent(budgetKey, this::read);
                long now = clock.millis();
                int streak = now > s.blockedUntil() + config.window().toMillis() ? 1 : s.throttleStreak() + 1;
                long pause = retryAfter.map(Duration::toMillis).orElseGet(() -> backoffMillis(streak));
                long until = Math.max(s.blockedUntil(), now + pause);
                BudgetState next = new BudgetState(Math.max(s.tat(), until), Math.max(s.bulkTat(), until), until, streak,
                        s.version() + 1);
                if (write(budgetKey, s, next)) {
                    return Duration.ofMillis(until - now);
                }
                lastSeen.put(budgetKey, read(budgetKey));
            }
        } finally {
            lock.unlock();
        }
        return retryAfter.orElse(config.maxBackoff());
    }

    /** How long until a permit of this priority would be granted, without taking one (reads DynamoDB). */
    public Duration peekWait(String budgetKey, int limit, Priority priority) {
        BudgetState s = read(budgetKey);
        lastSeen.put(budgetKey, s);
        long now = clock.millis();
        return Duration.ofMillis(Math.max(0, gcraFor(limit).earliest(s, priority, now) - now));
    }

    /** The schedule for a credential allowed {@code limit} requests per window. */
    public Gcra gcraFor(int limit) {
        return new Gcra(config.window().toMillis(), config.safetyMargin().toMillis(), limit, config.burst(),
                config.interactiveReserve());
    }

    private long[] reserve(String budgetKey, Gcra gcra, Priority priority, long maxWaitMillis, long start, int count) {
        ReentrantLock lock = localLocks.computeIfAbsent(budgetKey, k -> new ReentrantLock());
        for (int attempt = 0; attempt < config.maxContentionRetries(); attempt++) {
            lock.lock();
            try {
                BudgetState s = lastSeen.computeIfAbsent(budgetKey, this::read);
                long now = clock.millis();
                long[] at = new long[count];
                BudgetState next = schedule(gcra, s, priority, now, at);
                if (at[count - 1] - start > maxWaitMillis) {
                    // our cached view may be stale in the pessimistic direction only if someone else freed
                    // nothing; a fresh read confirms before we refuse
                    BudgetState fresh = read(budgetKey);
                    lastSeen.put(budgetKey, fresh);
                    next = schedule(gcra, fresh, priority, now, at);
                    if (at[count - 1] - start > maxWaitMillis) {
                        metrics.denied(budgetKey);
                        throw new BudgetExhaustedException(budgetKey, Duration.ofMillis(at[count - 1] - now),
                                fresh.blockedUntil() > now);
                    }
                    s = fresh;
                }
                if (write(budgetKey, s, next)) {
                    return at;
                }
                lastSeen.put(budgetKey, read(budgetKey));
            } finally {
                lock.unlock();
            }
            // another Lambda won the race: back off a little, jittered, then try with the fresh state
            sleepQuietly(ThreadLocalRandom.current().nextLong(1, 4 + Math.min(attempt, 20)));
        }
        metrics.denied(budgetKey);
        throw new BudgetExhaustedException(budgetKey, Duration.ofMillis(gcra.intervalMillis()), false);
    }

    /** Grants {@code at.length} permits one after another from {@code s} (fills {@code at}); the state after them. */
    static BudgetState schedule(Gcra gcra, BudgetState s, Priority priority, long now, long[] at) {
        BudgetState next = s;
        long t = now;
        for (int i = 0; i < at.length; i++) {
            at[i] = gcra.earliest(next, priority, t);
            next = gcra.grant(next, priority, at[i]);
            t = at[i];
        }
        return next;
    }

    private BudgetState read(String budgetKey) {
        metrics.dynamoCall();
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(tables.control()).key(key(budgetKey))
                .consistentRead(true)).item();
        return BudgetItem.state(item);
    }

    /** Compare-and-set on the version; false when another writer got there first. */
    private boolean write(String budgetKey, BudgetState expected, BudgetState next) {
        Map<String, String> names = BudgetItem.names();
        Map<String, AttributeValue> values = BudgetItem.values(next);
        String condition;
        if (expected.version() == 0) {
            names.put("#pk", Attr.PK);
            condition = "attribute_not_exists(#pk)";
        } else {
            values.put(":expected", Items.n(expected.version()));
            condition = "#version = :expected";
        }
        metrics.dynamoCall();
        try {
            dynamo.updateItem(b -> b.tableName(tables.control()).key(key(budgetKey))
                    .updateExpression(BudgetItem.SET_STATE)
                    .conditionExpression(condition)
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(values));
            lastSeen.put(budgetKey, next);
            return true;
        } catch (ConditionalCheckFailedException lostRace) {
            return false;
        }
    }

    private long backoffMillis(int streak) {
        long base = config.initialBackoff().toMillis() << Math.min(streak - 1, 10);
        long capped = Math.min(base, config.maxBackoff().toMillis());
        return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    }

    private static Map<String, AttributeValue> key(String budgetKey) {
        return Map.of(Attr.PK, Items.s("budget#" + budgetKey), Attr.SK, Items.s("state"));
    }

    private void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a Kit permit", e);
        }
    }
}
