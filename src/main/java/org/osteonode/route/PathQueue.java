package org.osteonode.route;

import org.apache.camel.ProducerTemplate;
import org.osteonode.ingest.ProcessingPath;
import org.osteonode.ingest.ReceivedObject;
import org.osteonode.ingest.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one path holds in memory: at most {@code osteonode.pipeline.queue-size} objects, queued or in work. The
 * receiver offers each new object and never waits: when the path is full the object just stays in the spool,
 * and the path takes it from there, oldest first, as room frees up. So a slow path slows no sender and no
 * other path, and a backlog costs disk, not heap.
 */
final class PathQueue {
    private static final Logger log = LoggerFactory.getLogger(PathQueue.class);
    /** Offers can race past the limit by a few; the queue has room for them. */
    private static final int SLACK = 64;

    private final ProcessingPath path;
    private final Spool spool;
    private final int capacity;
    private final boolean newestFirst;
    private final Set<Path> inFlight = ConcurrentHashMap.newKeySet();
    private volatile ProducerTemplate producer;

    /** @param newestFirst take the newest objects of a backlog first (the clinical path: today's studies first) */
    PathQueue(ProcessingPath path, Spool spool, int capacity, boolean newestFirst) {
        this.path = path;
        this.spool = spool;
        this.capacity = capacity;
        this.newestFirst = newestFirst;
    }

    /** The in-memory queue of the path's route (Camel seda), sized so that an offer never blocks. */
    String endpoint() {
        return "seda:" + path.name().toLowerCase(Locale.ROOT) + "?size=" + room(capacity);
    }

    /** Room for {@code capacity} objects in flight in a seda queue that must never be full. */
    static int room(int capacity) {
        return capacity + SLACK;
    }

    void connect(ProducerTemplate producer) {
        this.producer = producer;
    }

    /** Queues the object unless the path is full or has it already; never waits. */
    boolean offer(ReceivedObject object) {
        if (producer == null || inFlight.size() >= capacity || !inFlight.add(object.file())) {
            return false;
        }
        // Taken from the spool: it may have been finished (its marker is written before it leaves the
        // in-flight set) or released since it was listed.
        if (object.header() == null && (!Files.exists(object.file()) || spool.isDone(object.file(), path))) {
            inFlight.remove(object.file());
            return false;
        }
        try {
            producer.sendBody(endpoint(), object);
            return true;
        } catch (RuntimeException e) {
            inFlight.remove(object.file());
            log.debug("event=pipeline.offer-deferred path={} error=\"{}\"", path, e.getMessage());
            return false;
        }
    }

    /** The path is done with the object (finished or given up): room for the next. */
    void finished(Path file) {
        inFlight.remove(file);
    }

    /** Takes what waits in the spool for this path, oldest (or newest) first, while there is room. */
    void refill() throws IOException {
        if (producer == null || inFlight.size() >= capacity) {
            return;
        }
        List<Path> waiting = spool.waiting(path);
        if (newestFirst) {
            Collections.reverse(waiting);
        }
        for (Path file : waiting) {
            if (inFlight.size() >= capacity) {
                return;
            }
            if (!inFlight.contains(file)) {
                offer(new ReceivedObject(file, null));
            }
        }
    }
}
