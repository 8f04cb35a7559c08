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
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/** {@code GET /health} (200 when ready, 503 otherwise, JSON) and {@code GET /metrics} (Prometheus text). */
public final class HttpEndpoints implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpEndpoints.class);

    private final HttpServer server;
    private final Map<String, BooleanSupplier> checks = new LinkedHashMap<>();

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
            Map<String, Boolean> results = new LinkedHashMap<>();
            checks.forEach((name, check) -> results.put(name, safely(check)));
            boolean up = !results.isEmpty() && results.values().stream().allMatch(Boolean::booleanValue);
            respond(exchange, up ? 200 : 503, "application/json", healthJson(up, results));
        });
        server.createContext("/metrics", exchange ->
                respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
    }

    /** Adds a readiness check; /health is 200 only when all of them pass. */
    public HttpEndpoints check(String name, BooleanSupplier check) {
        checks.put(name, check);
        return this;
    }

    public void start() {
        server.start();
        log.info("event=http.listening port={} paths=/health,/metrics", server.getAddress().getPort());
    }

    private static boolean safely(BooleanSupplier check) {
        try {
            return check.getAsBoolean();
        } catch (RuntimeException e) {
            return false;
        }
    }

    static String healthJson(boolean up, Map<String, Boolean> results) {
        StringBuilder json = new StringBuilder("{\"status\":\"").append(up ? "UP" : "DOWN").append("\",\"checks\":{");
        String separator = "";
        for (Map.Entry<String, Boolean> result : results.entrySet()) {
            json.append(separator).append('"').append(result.getKey()).append("\":\"")
                    .append(result.getValue() ? "UP" : "DOWN").append('"');
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
    }
}
