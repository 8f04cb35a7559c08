package org.osteonode;

import org.osteonode.config.Settings;
import org.osteonode.deid.Pseudonymizer;
import org.osteonode.deid.ResearchArchiver;
import org.osteonode.ingest.Quarantine;
import org.osteonode.ingest.Spool;
import org.osteonode.ingest.StorageScp;
import org.osteonode.observe.HttpEndpoints;
import org.osteonode.observe.Metrics;
import org.osteonode.route.IngestRoutes;
import org.osteonode.route.Pipeline;
import org.osteonode.store.Archive;
import org.osteonode.store.Database;
import org.osteonode.store.InstanceIndex;
import org.osteonode.store.LabelStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;

/**
 * A running osteonode: database, pipeline, DICOM receiver and HTTP endpoints, started in that order and
 * stopped in the reverse one, so that nothing is received that cannot be recorded.
 */
public final class Node implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Node.class);

    private final Settings settings;
    private final Database database;
    private final Pipeline pipeline;
    private final StorageScp scp;
    private final HttpEndpoints http;

    private Node(Settings settings, Database database, Pipeline pipeline, StorageScp scp, HttpEndpoints http) {
        this.settings = settings;
        this.database = database;
        this.pipeline = pipeline;
        this.scp = scp;
        this.http = http;
    }

    public static Node start(Settings settings) throws Exception {
        Metrics metrics = new Metrics();
        Pseudonymizer pseudonymizer = Pseudonymizer.fromSecretFile(settings.secretFile());
        Spool spool = new Spool(settings.spoolDir(), settings.spoolMinFreeBytes());
        Quarantine quarantine = new Quarantine(settings.quarantineDir(), metrics);
        metrics.spoolBytes(spool::bytes);
        // Listed before the receiver opens its port, so that recovery never races a fresh object.
        List<Path> pending = spool.pending();

        Database database = Database.open(settings);
        Pipeline pipeline = null;
        StorageScp scp = null;
        try {
            InstanceIndex index = new InstanceIndex(database.dataSource(), pseudonymizer);
            ResearchArchiver research = ResearchArchiver.create(settings.deid(), pseudonymizer,
                    new Archive(settings.archiveDir(), settings.scratchDir(), true));
            IngestRoutes routes = new IngestRoutes(settings.pipeline(), spool, quarantine, index, research,
                    new LabelStore(database.dataSource()), metrics);
            pipeline = new Pipeline(settings.pipeline(), routes, settings.shutdownGrace());
            scp = new StorageScp(settings.dicom(), spool, quarantine, pipeline, metrics);
            HttpEndpoints http = new HttpEndpoints(settings.httpPort(), metrics);
            Node node = new Node(settings, database, pipeline, scp, http);
            http.check("database", database::isReachable)
                    .check("pipeline", pipeline::isRunning)
                    .check("dicom", scp::isListening)
                    .check("spool", spool::hasRoom);
            scp.start();
            http.start();
            pipeline.recover(pending);
            log.info("event=node.ready data_dir={} pending_objects={}", settings.dataDir(), pending.size());
            return node;
        } catch (Exception e) {
            if (scp != null) {
                scp.close();
            }
            if (pipeline != null) {
                pipeline.close();
            }
            database.close();
            throw e;
        }
    }

    /** Graceful stop: receiver first (open associations finish), then pipeline, HTTP and database. */
    @Override
    public void close() {
        log.info("event=node.stopping grace_seconds={}", settings.shutdownGrace().toSeconds());
        scp.stop(settings.shutdownGrace());
        pipeline.close();
        http.close();
        database.close();
        log.info("event=node.stopped");
    }
}
