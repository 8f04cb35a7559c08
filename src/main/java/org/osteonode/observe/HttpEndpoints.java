package org.osteonode.observe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /health} (JSON: 200 UP when ready; 200 DEGRADED when ready but a warning holds, e.g. reports cannot
 * reach the PACS; 503 DOWN otherwise) and {@code GET /metrics} (Prometheus text).
 */
public final class HttpEndpoints implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpEndpoints.class);

    /** A check that takes longer (a database that does not answer) counts as DOWN; /health stays quick. */
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);

    private final HttpServer server;
    private final Map<String, BooleanSupplier> checks = new LinkedHashMap<>();
    private final Map<String, BooleanSupplier> warnings = new LinkedHashMap<>();
    private final ExecutorService checkRunner = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "health-check");
        thread.setDaemon(true);
        return thread;
    });

    public HttpEndpoints(int port, Metrics metrics) throws IOException {
        try {
            server = HttpServer.create(new InetSocketAddress(port), 16);
        } catch (IOException e) {
            throw new IOException("cannot listen on HTTP port " + port + " (osteonode.http.port): " + e.getMessage(), e);
        }
        server.setExecutor(Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "http");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/health", exchange -> {
            Map<String, Boolean> results = run(checks);
            Map<String, Boolean> warningResults = run(warnings);
            boolean up = !results.isEmpty() && results.values().stream().allMatch(Boolean::booleanValue);
            boolean degraded = warningResults.containsValue(false);
            respond(exchange, up ? 200 : 503, "application/json", healthJson(up, degraded, results, warningResults));
        });
        server.createContext("/metrics", exchange ->
                respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
    }

    /**
     * Adds {@code POST path}, answered with the action's JSON. Only from this machine: an action changes the
     * node's state, and the HTTP port may be open to the monitoring network.
     */
    public HttpEndpoints action(String path, java.util.concurrent.Callable<String> action) {
        server.createContext(path, exchange -> {
            if (!exchange.getRemoteAddress().getAddress().isLoopbackAddress()) {
                respond(exchange, 403, "application/json", "{\"error\":\"only from this machine\"}");
            } else if (!exchange.getRequestMethod().equals("POST")) {
                respond(exchange, 405, "application/json", "{\"error\":\"use POST\"}");
            } else {
                try {
                    respond(exchange, 200, "application/json", action.call());
                } catch (Exception e) {
                    respond(exchange, 503, "application/json", "{\"error\":\"" + e.getClass().getSimpleName() + "\"}");
                }
            }
        });
        return this;
    }

    /** Adds a readiness check; /health is 200 only when all of them pass. */
    public HttpEndpoints check(String name, BooleanSupplier check) {
        checks.put(name, check);
        return this;
    }

    /** Adds a warning: when it fails the node still serves (200), but says DEGRADED and which. */
    public HttpEndpoints warning(String name, BooleanSupplier ok) {
        warnings.put(name, ok);
        return this;
    }

    /** Runs every check at once, each given {@link #CHECK_TIMEOUT}. */
    private Map<String, Boolean> run(Map<String, BooleanSupplier> all) {
        Map<String, CompletableFuture<Boolean>> running = new LinkedHashMap<>();
        all.forEach((name, check) -> running.put(name, CompletableFuture.supplyAsync(() -> safely(check), checkRunner)));
        Map<String, Boolean> results = new LinkedHashMap<>();
        running.forEach((name, result) -> results.put(name, within(result, CHECK_TIMEOUT)));
        return results;
    }

    public void start() {
        server.start();
        log.info("event=http.listening port={} paths=/health,/metrics", server.getAddress().getPort());
    }

    private static boolean within(CompletableFuture<Boolean> result, Duration timeout) {
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    private static boolean safely(BooleanSupplier check) {
        try {
            return check.getAsBoolean();
        } catch (RuntimeException e) {
            return false;
        }
    }

    static String healthJson(boolean up, boolean degraded, Map<String, Boolean> checks, Map<String, Boolean> warnings) {
        StringBuilder json = new StringBuilder("{\"status\":\"")
                .append(!up ? "DOWN" : degraded ? "DEGRADED" : "UP").append("\",\"checks\":{");
        String separator = "";
        for (Map.Entry<String, Boolean> result : checks.entrySet()) {
            json.append(separator).append('"').append(result.getKey()).append("\":\"")
                    .append(result.getValue() ? "UP" : "DOWN").append('"');
            separator = ",";
        }
        for (Map.Entry<String, Boolean> result : warnings.entrySet()) {
            json.append(separator).append('"').append(result.getKey()).append("\":\"")
                    .append(result.getValue() ? "UP" : "DEGRADED").append('"');
            separator = ",";
        }
        return json.append("}}").toString();
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        checkRunner.shutdownNow();
    }
}
