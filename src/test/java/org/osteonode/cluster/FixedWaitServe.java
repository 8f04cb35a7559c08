package org.osteonode.cluster;

import ch.qos.logback.classic.Level;
import org.osteonode.Node;
import org.osteonode.clinical.ImageScorer;
import org.osteonode.config.Settings;
import org.osteonode.config.SettingsLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * {@code serve} with a stand-in for a GPU host: each image's score is the real model's, given no sooner than a fixed
 * wait after the call ({@code -Dosteonode.bench.wait-ms}), so that on a machine of two cores the clinical path's
 * throughput is bound by the wait, as it would be by a remote model, and not by the cores. The wait is a timer, not
 * a sleeping thread: it costs no CPU. For {@code bench/scale}; {@code FixedWaitServe --config FILE}.
 */
public final class FixedWaitServe {
    private FixedWaitServe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !args[0].equals("--config")) {
            throw new IllegalArgumentException("usage: FixedWaitServe --config FILE");
        }
        long waitMillis = Long.getLong("osteonode.bench.wait-ms", 250);
        Settings settings = SettingsLoader.load(Path.of(args[1]), System.getenv());
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME))
                .setLevel(Level.toLevel(settings.logLevel()));
        Node node = Node.start(settings, scorer -> withFixedWait(scorer, waitMillis));
        LoggerFactory.getLogger(FixedWaitServe.class).info("event=bench.fixed-wait wait_ms={}", waitMillis);
        // As ServeCommand: the node first, then the JVM's exit (ONNX Runtime's own shutdown hook).
        for (String name : List.of("TERM", "INT")) {
            Signal.handle(new Signal(name), signal -> {
                node.close();
                System.exit(128 + signal.getNumber());
            });
        }
        Runtime.getRuntime().addShutdownHook(new Thread(node::close, "shutdown"));
        new CountDownLatch(1).await();
    }

    /** The real score, completed when both it and a timer of {@code waitMillis} started at the call are done. */
    static ImageScorer withFixedWait(ImageScorer scorer, long waitMillis) {
        Executor later = CompletableFuture.delayedExecutor(waitMillis, TimeUnit.MILLISECONDS);
        return frame -> {
            CompletableFuture<Void> wait = CompletableFuture.runAsync(() -> { }, later);
            return scorer.score(frame).thenCombine(wait, (score, done) -> score);
        };
    }
}
