package io.kitbridge.local;

import io.kitbridge.testing.PackagedLambda;
import io.kitbridge.testing.RuntimeApiServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** One deployed function: the packaged artifact in its own JVM under the runtime interface client. */
final class FunctionHost implements AutoCloseable {
    final String name;
    private final RuntimeApiServer api;
    private final PackagedLambda lambda;

    FunctionHost(String name, Map<String, String> env, Path task) throws Exception {
        this.name = name;
        this.api = new RuntimeApiServer();
        Map<String, String> all = new HashMap<>(env);
        all.put("QUARKUS_FUNQY_EXPORT", name);
        this.lambda = PackagedLambda.start(api, all, task);
    }

    RuntimeApiServer.Result invoke(String event, Duration timeout) throws Exception {
        if (!lambda.process.isAlive()) {
            throw new IllegalStateException("function " + name + " exited:\n" + tail(lambda.output()));
        }
        try {
            return api.invoke(event, timeout);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("function " + name + " did not answer within " + timeout.toSeconds() + " s:\n"
                    + tail(lambda.output()), e);
        }
    }

    /** Waits until the runtime polls for its first invocation (the JVM and Quarkus are up). */
    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (api.firstPollNanos() == 0) {
            if (!lambda.process.isAlive()) {
                throw new IllegalStateException("function " + name + " exited during start:\n" + tail(lambda.output()));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("function " + name + " did not start within " + timeout.toSeconds() + " s:\n"
                        + tail(lambda.output()));
            }
            Thread.sleep(50);
        }
    }

    long peakRssMib() {
        return lambda.peakRssMib();
    }

    String output() {
        return lambda.output();
    }

    @Override
    public void close() throws Exception {
        lambda.close();
        api.close();
    }

    static String tail(String text) {
        return text.length() > 3000 ? text.substring(text.length() - 3000) : text;
    }
}
