package io.kitbridge.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * target/function.zip unpacked as Lambda's java21 runtime lays out /var/task, run by AWS's runtime interface
 * client (com.amazonaws.services.lambda.runtime.api.client.AWSLambda) with the documented handler ({@link #HANDLER},
 * or the env's {@code _HANDLER}), against a
 * loopback Runtime API. A separate JVM: nothing is shared with the test's own classpath but the client jars.
 */
public final class PackagedLambda implements AutoCloseable {
    static final String HANDLER = "io.kitbridge.common.KitbridgeLambdaHandler::handleRequest";
    /** Funqy's own handler: its errors all reach the caller as io.quarkus.funqy.runtime.ApplicationException. */
    public static final String FUNQY_HANDLER = "io.quarkus.funqy.lambda.FunqyStreamHandler::handleRequest";

    public final Process process;
    public final long startedNanos;
    final Path log;

    private PackagedLambda(Process process, long startedNanos, Path log) {
        this.process = process;
        this.startedNanos = startedNanos;
        this.log = log;
    }

    public static PackagedLambda start(RuntimeApiServer api, Map<String, String> env) throws IOException {
        return start(api, env, unpack(Path.of("target/function.zip")));
    }

    /** Starts another function from an already unpacked task root (one unpack serves every function). */
    public static PackagedLambda start(RuntimeApiServer api, Map<String, String> env, Path task) throws IOException {
        List<String> classpath = new ArrayList<>();
        classpath.add(task.toString());
        if (Files.isDirectory(task.resolve("lib"))) {
            try (Stream<Path> lib = Files.list(task.resolve("lib"))) {
                lib.map(Path::toString).sorted().forEach(classpath::add);
            }
        }
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.contains("aws-lambda-java-runtime-interface-client") || entry.contains("aws-lambda-java-serialization")
                    || entry.contains("/utils-lite")) {
                classpath.add(entry);
            }
        }
        Path log = Files.createTempFile("kitbridge-packaged-", ".log");
        Path bootstrap = task.resolve("bootstrap");
        Path jni = isNative(bootstrap) ? null : runtimeClientJni(task, classpath);
        // a native build's function.zip holds the executable as "bootstrap" (provided.al2023); run it as Lambda would
        ProcessBuilder pb = isNative(bootstrap) ? new ProcessBuilder(bootstrap.toString())
                : new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-XX:+UseSerialGC", "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                        "-D" + RIC_JNI_PROPERTY + "=" + jni,
                        "-cp", String.join(File.pathSeparator, classpath),
                        "com.amazonaws.services.lambda.runtime.api.client.AWSLambda", env.getOrDefault("_HANDLER", HANDLER));
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("AWS_LAMBDA_RUNTIME_API", api.address());
        pb.environment().put("LAMBDA_TASK_ROOT", task.toString());
        pb.environment().put("AWS_LAMBDA_FUNCTION_NAME", "kitbridge-test");
        pb.environment().put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512");
        pb.environment().put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        pb.environment().put("AWS_REGION", "us-east-1");
        // template.yaml sets LoggingConfig.LogFormat JSON: Lambda then tells the runtime so, and its own lines are JSON
        pb.environment().put("AWS_LAMBDA_LOG_FORMAT", "JSON");
        pb.environment().put("_HANDLER", HANDLER); // as Lambda sets it; env may name another handler
        pb.environment().putAll(env);
        long started = System.nanoTime();
        return new PackagedLambda(pb.start(), started, log);
    }

    /** Where the runtime interface client loads its JNI library from, instead of extracting it itself. */
    static final String RIC_JNI_PROPERTY = "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";

    /**
     * The client extracts its JNI library to one fixed path (/tmp/.libaws-lambda-jni.so); several JVMs starting at
     * once overwrite it while another maps it, and crash with SIGBUS. Extract it once per task root instead.
     */
    static synchronized Path runtimeClientJni(Path task, List<String> classpath) throws IOException {
        Path target = task.resolve(".ric/libaws-lambda-jni.so");
        if (Files.exists(target)) {
            return target;
        }
        String arch = System.getProperty("os.arch").contains("aarch64") ? "aarch_64" : "x86_64";
        String jar = classpath.stream().filter(e -> e.contains("aws-lambda-java-runtime-interface-client")).findFirst()
                .orElseThrow(() -> new IllegalStateException("aws-lambda-java-runtime-interface-client is not on the test classpath"));
        try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar)) {
            var entry = file.getJarEntry("jni/libaws-lambda-jni.linux-" + arch + ".so");
            Files.createDirectories(target.getParent());
            Path partial = Files.createTempFile(target.getParent(), "jni", ".part");
            try (var in = file.getInputStream(entry)) {
                Files.copy(in, partial, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(partial, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return target;
    }

    /** True for a real native executable (ELF), not the CI recorder's placeholder script. */
    static boolean isNative(Path bootstrap) {
        try {
            if (!Files.isRegularFile(bootstrap)) {
                return false;
            }
            byte[] head = new byte[4];
            try (var in = Files.newInputStream(bootstrap)) {
                if (in.read(head) != 4) {
                    return false;
                }
            }
            boolean elf = head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F';
            if (elf) {
                bootstrap.toFile().setExecutable(true);
            }
            return elf;
        } catch (IOException e) {
            return false;
        }
    }

    /** Peak resident memory of the function's JVM (VmHWM), in MiB, or -1 where /proc is not available. */
    public long peakRssMib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    public static Path unpack(Path zip) throws IOException {
        if (!Files.exists(zip)) {
            throw new IllegalStateException(zip + " is missing: integration tests run after `mvn package`");
        }
        Path task = Files.createTempDirectory("kitbridge-task-");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                Path target = task.resolve(e.getName()).normalize();
                if (!target.startsWith(task)) {
                    throw new IOException("zip entry outside the task root: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target);
                }
            }
        }
        return task;
    }
    /** The environment of one packaged function against the test world's Kit simulator and dynalite tables. */
    public static Map<String, String> environment(String function, String kitBaseUrl, io.kitbridge.store.TableNames tables) {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("QUARKUS_FUNQY_EXPORT", function);
        env.put("KITBRIDGE_KIT_BASE_URL", kitBaseUrl);
        env.put("KITBRIDGE_KIT_API_KEY", KitWorld.API_KEY);
        env.put("KITBRIDGE_TABLES_CONNECTIONS", tables.connections());
        env.put("KITBRIDGE_TABLES_CONTROL", tables.control());
        env.put("KITBRIDGE_TABLES_MIRROR", tables.mirror());
        env.put("QUARKUS_DYNAMODB_ENDPOINT_OVERRIDE", Dynalite.shared().endpoint());
        env.put("QUARKUS_DYNAMODB_AWS_REGION", "us-east-1");
        env.put("QUARKUS_DYNAMODB_AWS_CREDENTIALS_TYPE", "static");
        env.put("QUARKUS_DYNAMODB_AWS_CREDENTIALS_STATIC_PROVIDER_ACCESS_KEY_ID", "local");
        env.put("QUARKUS_DYNAMODB_AWS_CREDENTIALS_STATIC_PROVIDER_SECRET_ACCESS_KEY", "local");
        return env;
    }
}
