package org.osteonode.cli;

import org.osteonode.Node;
import org.osteonode.config.Settings;
import org.osteonode.config.SettingsLoader;
import ch.qos.logback.classic.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import sun.misc.Signal;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve", description = "Run the node: DICOM receiver, pipeline, PostgreSQL, /health and /metrics.")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "Java properties file (conf/osteonode.properties).")
    private Path config;

    @Override
    public Integer call() throws Exception {
        Settings settings = SettingsLoader.load(config, System.getenv());
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME))
                .setLevel(Level.toLevel(settings.logLevel()));
        Node node = Node.start(settings);
        // ONNX Runtime releases its environment in a JVM shutdown hook of its own, run at the same time as any
        // other: a batch in the model at that moment crashes the JVM (SIGSEGV, exit 134). So SIGTERM and SIGINT
        // stop the node first, the model last, and only then begin the JVM's exit.
        for (String name : List.of("TERM", "INT")) {
            Signal.handle(new Signal(name), signal -> {
                node.close();
                System.exit(128 + signal.getNumber());
            });
        }
        // SIGHUP: read the TLS certificate, key and CAs again (they are also looked at every few seconds).
        Signal.handle(new Signal("HUP"), signal -> node.reloadTls());
        // Any other way out (System.exit elsewhere) still stops the node as well as it can.
        Runtime.getRuntime().addShutdownHook(new Thread(node::close, "shutdown"));
        new CountDownLatch(1).await(); // the node runs until the process is told to stop
        return 0;
    }
}
