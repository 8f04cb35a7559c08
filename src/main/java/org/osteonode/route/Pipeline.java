package org.osteonode.route;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.osteonode.ingest.ReceivedObject;
import org.osteonode.ingest.ReceivedObjectSink;

import java.time.Duration;
import java.util.List;

/**
 * The Camel context running the routes; the receiver hands objects to its two paths ({@link IngestRoutes})
 * through it. Objects acknowledged before a restart are taken from the spool by the paths themselves.
 */
public final class Pipeline implements ReceivedObjectSink, AutoCloseable {
    private final CamelContext camel;
    private final IngestRoutes ingest;

    public Pipeline(IngestRoutes ingest, List<RouteBuilder> otherRoutes, Duration shutdownGrace) throws Exception {
        this.camel = new DefaultCamelContext();
        this.ingest = ingest;
        camel.getShutdownStrategy().setTimeout(Math.max(1, shutdownGrace.toSeconds()));
        camel.getShutdownStrategy().setLogInflightExchangesOnTimeout(false);
        camel.addRoutes(ingest);
        for (RouteBuilder builder : otherRoutes) {
            camel.addRoutes(builder);
        }
        camel.start();
        ingest.connect(camel.createProducerTemplate());
    }

    @Override
    public void accept(ReceivedObject object) {
        ingest.accept(object);
    }

    public boolean isRunning() {
        return camel.isStarted();
    }

    @Override
    public void close() {
        camel.stop();
    }
}
