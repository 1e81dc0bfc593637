package io.kitbridge.testing;

import io.quarkus.test.junit.callback.QuarkusTestAfterConstructCallback;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Before a test class's first invocation, drains "next" polls a previous application left in Quarkus's mock event
 * server. That server lives for the whole test JVM; when an application stops, its poll loop's pending poll is meant
 * to end with the connection, but under load the server registers the close handler after the close happened, and
 * the orphaned poll then takes the next event posted and answers it to nobody: that test waited 30 s for a response
 * (seen in WebhookCallCountTest and LookupFunctionTest on a loaded machine). A ping each function refuses at once
 * (a JSON string, InvalidInput) is sent until one is answered; every orphaned poll swallows one ping, not a test's
 * event. Nothing here waits on time for correctness: a ping that is merely slow is answered to a closed connection.
 */
public final class StalePollers implements QuarkusTestAfterConstructCallback {
    private static final Logger LOG = Logger.getLogger(StalePollers.class);
    static final String PING = "\"kitbridge-test-ping\"";
    static final int MAX_PINGS = 10;
    static final Duration PING_TIMEOUT = Duration.ofSeconds(3);
    private static final Set<Class<?>> DRAINED = ConcurrentHashMap.newKeySet();

    @Override
    public void afterConstruct(Object testInstance) {
        // the application restarts per test class here (each class brings its own world), so once per class
        if (DRAINED.add(testInstance.getClass())) {
            drain();
        }
    }

    static void drain() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(PING_TIMEOUT).build();
        HttpRequest ping = HttpRequest.newBuilder(URI.create(Lambda.url()))
                .header("Content-Type", "application/json").timeout(PING_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(PING)).build();
        for (int i = 1; i <= MAX_PINGS; i++) {
            try {
                client.send(ping, HttpResponse.BodyHandlers.discarding());
                if (i > 1) {
                    LOG.infof("%d ping(s) went to orphaned polls of a previous application", i - 1);
                }
                return;
            } catch (HttpTimeoutException orphaned) {
                // an orphaned poll took it (or the function is very slow): ping again
            } catch (java.io.IOException e) {
                LOG.warnf("mock event server ping failed: %s", e.getMessage());
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.warnf("no ping answered after %d attempts", MAX_PINGS);
    }
}
