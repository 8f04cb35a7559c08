package org.osteonode.route;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.osteonode.config.Settings;
import org.osteonode.ingest.ReceivedObject;
import org.osteonode.ingest.ReceivedObjectSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The Camel context running the routes ({@link IngestRoutes}, ...); the receiver hands objects to it as a sink. */
public final class Pipeline implements ReceivedObjectSink, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

    private final CamelContext camel;
    private final ProducerTemplate producer;
    private final String endpoint;

    public Pipeline(Settings.Pipeline settings, List<RouteBuilder> routes, Duration shutdownGrace) throws Exception {
        this.camel = new DefaultCamelContext();
        camel.getShutdownStrategy().setTimeout(Math.max(1, shutdownGrace.toSeconds()));
        camel.getShutdownStrategy().setLogInflightExchangesOnTimeout(false);
        for (RouteBuilder builder : routes) {
            camel.addRoutes(builder);
        }
        camel.start();
        this.producer = camel.createProducerTemplate();
        this.endpoint = IngestRoutes.receivedEndpoint(settings);
    }

    @Override
    public void accept(ReceivedObject object) {
        try {
            producer.sendBody(endpoint, object);
        } catch (RuntimeException e) {
            // The object is durable in the spool; it is processed on the next start.
            log.warn("event=pipeline.handoff-failed file={} error=\"{}\"", object.file().getFileName(), e.getMessage());
        }
    }

    /** Queues objects that were acknowledged before the last stop, in the background, oldest first. */
    public void recover(List<Path> pending) {
        if (pending.isEmpty()) {
            return;
        }
        log.info("event=pipeline.recovering objects={}", pending.size());
        Thread recovery = new Thread(() -> pending.forEach(file -> accept(new ReceivedObject(file, null))),
                "spool-recovery");
        recovery.setDaemon(true);
        recovery.start();
    }

    public boolean isRunning() {
        return camel.isStarted();
    }

    @Override
    public void close() {
        camel.stop();
    }
}
