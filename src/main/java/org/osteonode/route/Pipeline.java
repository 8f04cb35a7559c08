package org.osteonode.route;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.osteonode.ingest.ReceivedObject;
import org.osteonode.ingest.ReceivedObjectSink;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The Camel context running the routes; the receiver hands objects to its two paths through it: on one node the
 * in-process routes ({@link IngestRoutes}), in cluster mode the relay and the Kafka consumers
 * ({@link ClusterPipeline}), with the reporter and the delivery on Camel in both. Objects acknowledged before a
 * restart are taken from the spool by the paths themselves.
 */
public final class Pipeline implements ReceivedObjectSink, AutoCloseable {
    private final CamelContext camel;
    private final ReceivedObjectSink paths;
    private final Optional<ClusterPipeline> cluster;

    /** One node: the two paths are {@code ingest}'s routes. */
    public Pipeline(IngestRoutes ingest, List<RouteBuilder> otherRoutes, Duration shutdownGrace) throws Exception {
        this(ingest, Optional.empty(), otherRoutes, shutdownGrace);
    }

    /** Cluster mode: the two paths are consumer groups, started here after the other routes. */
    public Pipeline(ClusterPipeline cluster, List<RouteBuilder> otherRoutes, Duration shutdownGrace) throws Exception {
        this(cluster, Optional.of(cluster), otherRoutes, shutdownGrace);
    }

    private Pipeline(ReceivedObjectSink paths, Optional<ClusterPipeline> cluster, List<RouteBuilder> otherRoutes,
            Duration shutdownGrace) throws Exception {
        this.camel = new DefaultCamelContext();
        this.paths = paths;
        this.cluster = cluster;
        camel.getShutdownStrategy().setTimeout(Math.max(1, shutdownGrace.toSeconds()));
        camel.getShutdownStrategy().setLogInflightExchangesOnTimeout(false);
        if (paths instanceof IngestRoutes ingest) {
            camel.addRoutes(ingest);
        }
        for (RouteBuilder builder : otherRoutes) {
            camel.addRoutes(builder);
        }
        camel.start();
        if (paths instanceof IngestRoutes ingest) {
            ingest.connect(camel.createProducerTemplate());
        }
        cluster.ifPresent(ClusterPipeline::start);
    }

    @Override
    public void accept(ReceivedObject object) {
        paths.accept(object);
    }

    public boolean isRunning() {
        return camel.isStarted() && cluster.map(ClusterPipeline::isRunning).orElse(true);
    }

    @Override
    public void close() {
        cluster.ifPresent(ClusterPipeline::close);
        camel.stop();
    }
}
