package org.osteonode.route;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.ShutdownRunningTask;
import org.apache.camel.builder.RouteBuilder;
import org.osteonode.config.Settings;
import org.osteonode.ingest.InstanceHeader;
import org.osteonode.ingest.Quarantine;
import org.osteonode.ingest.ReceivedObject;
import org.osteonode.ingest.Spool;
import org.osteonode.ingest.UnreadableObjectException;
import org.osteonode.observe.Metrics;
import org.osteonode.store.DatabaseUnavailableException;
import org.osteonode.store.InstanceIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.time.Duration;

/**
 * The pipeline from the spool: read the header once, record the instance, release the spool file.
 * Failures are retried with exponential back-off; then the object goes to the quarantine with its reason.
 * An unreadable object goes there at once; a database outage is waited out, never quarantined.
 */
public final class IngestRoutes extends RouteBuilder {
    private static final Logger log = LoggerFactory.getLogger(IngestRoutes.class);
    static final String QUARANTINE = "direct:quarantine";
    private static final Duration DATABASE_RETRY_CAP = Duration.ofSeconds(30);

    private final Settings.Pipeline settings;
    private final Spool spool;
    private final Quarantine quarantine;
    private final InstanceIndex index;
    private final Metrics metrics;

    public IngestRoutes(Settings.Pipeline settings, Spool spool, Quarantine quarantine, InstanceIndex index,
            Metrics metrics) {
        this.settings = settings;
        this.spool = spool;
        this.quarantine = quarantine;
        this.index = index;
        this.metrics = metrics;
    }

    /** The bounded queue between the receiver and the pipeline; the receiver waits while it is full. */
    public static String receivedEndpoint(Settings.Pipeline settings) {
        return "seda:received?size=" + settings.queueSize() + "&blockWhenFull=true";
    }

    @Override
    public void configure() {
        errorHandler(deadLetterChannel(QUARANTINE)
                .maximumRedeliveries(settings.maxAttempts() - 1)
                .redeliveryDelay(settings.retryDelay().toMillis())
                .useExponentialBackOff()
                .backOffMultiplier(2)
                .retryAttemptedLogLevel(LoggingLevel.WARN)
                .logStackTrace(false));

        onException(UnreadableObjectException.class)
                .maximumRedeliveries(0)
                .handled(true)
                .to(QUARANTINE);

        // An outage is not the object's fault: keep it in the spool and wait, however long it takes. While
        // the workers wait, the queue fills and receivers slow down; nothing is quarantined or lost.
        onException(DatabaseUnavailableException.class)
                .maximumRedeliveries(-1)
                .redeliveryDelay(settings.retryDelay().toMillis())
                .useExponentialBackOff()
                .backOffMultiplier(2)
                .maximumRedeliveryDelay(DATABASE_RETRY_CAP.toMillis())
                .retryAttemptedLogLevel(LoggingLevel.WARN)
                .logStackTrace(false);

        from(receivedEndpoint(settings) + "&concurrentConsumers=" + settings.workers())
                .routeId("received")
                .shutdownRunningTask(ShutdownRunningTask.CompleteCurrentTaskOnly)
                .process(this::readHeader)
                .process(this::record)
                .process(this::release);

        from(QUARANTINE)
                .routeId("quarantine")
                .process(this::quarantine);
    }

    /** Objects acknowledged before a restart arrive without a header: read it now, once. */
    private void readHeader(Exchange exchange) throws UnreadableObjectException {
        ReceivedObject object = exchange.getIn().getBody(ReceivedObject.class);
        if (object.header() == null) {
            exchange.getIn().setBody(new ReceivedObject(object.file(), InstanceHeader.read(object.file())));
        }
    }

    private void record(Exchange exchange) throws Exception {
        ReceivedObject object = exchange.getIn().getBody(ReceivedObject.class);
        boolean firstTime = index.record(object.header(), Files.size(object.file()));
        if (firstTime) {
            metrics.instanceRecorded();
        } else {
            metrics.instanceResent();
            log.info("event=instance.resent file={} sop_class={} note=\"already recorded; recorded once\"",
                    object.file().getFileName(), object.header().sopClassUid());
        }
    }

    private void release(Exchange exchange) throws Exception {
        spool.remove(exchange.getIn().getBody(ReceivedObject.class).file());
    }

    private void quarantine(Exchange exchange) throws Exception {
        ReceivedObject object = exchange.getIn().getBody(ReceivedObject.class);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        boolean unreadable = cause instanceof UnreadableObjectException;
        String detail = cause == null ? "unknown failure"
                : unreadable ? cause.getMessage() : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        if (Files.exists(object.file())) {
            quarantine.put(object.file(), unreadable ? "unparseable" : "processing-failed", detail);
        }
    }
}
