package org.osteonode.testing;

import org.osteonode.cluster.ObjectReference;
import org.osteonode.deid.Pseudonymizer;
import org.osteonode.ingest.Quarantine;
import org.osteonode.ingest.Relay;
import org.osteonode.ingest.Spool;
import org.osteonode.labels.BodyPart;
import org.osteonode.objects.FileObjectStore;
import org.osteonode.objects.ObjectStore;
import org.osteonode.observe.Metrics;
import org.osteonode.store.Database;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the tests of a cluster path's worker start from: a fresh database (with an outage the test can switch on), a
 * PHI bucket in a folder, and objects put there as a node in cluster mode does — spooled as the receiver spools
 * them, then relayed — with their references.
 */
public final class RelayedObjects implements AutoCloseable {
    public final Database database;
    /** The database as the worker sees it: away while {@link #databaseAway} is set. */
    public final DataSource flaky;
    public final AtomicBoolean databaseAway = new AtomicBoolean();
    public final ObjectStore phi;
    /** The worker's own work directory. */
    public final Path workDir;
    private final Spool spool;
    private final Relay relay;
    private final List<ObjectReference> published = new ArrayList<>();

    public RelayedObjects(Path temp, Pseudonymizer pseudonymizer, Metrics metrics) throws Exception {
        database = SharedPostgres.freshDatabase(temp.resolve("db"));
        flaky = Sql.awayWhen(databaseAway::get, database.dataSource());
        phi = new FileObjectStore(temp.resolve("phi-bucket"));
        workDir = temp.resolve("work");
        spool = new Spool(temp.resolve("spool"), 0);
        relay = new Relay(spool, new Quarantine(temp.resolve("relay-quarantine"), metrics),
                phi, published::add, pseudonymizer, header -> new Relay.Classification(BodyPart.LSPINE, true),
                (header, size) -> { });
    }

    /** Spools the object as the receiver does and relays it as a node in cluster mode does; its reference. */
    public ObjectReference relayed(Path file) throws Exception {
        Path spooled;
        try (Spool.Entry entry = spool.create()) {
            entry.write(Files.readAllBytes(file));
            spooled = entry.commit();
        }
        Relay.Outcome outcome = relay.relay(spooled);
        assertThat(outcome).isInstanceOf(Relay.Outcome.Relayed.class);
        return published.get(published.size() - 1);
    }

    /** What is left in the worker's work directory. */
    public List<Path> workFiles() throws Exception {
        try (Stream<Path> all = Files.walk(workDir)) {
            return all.filter(path -> !path.equals(workDir)).toList();
        }
    }

    /** research_done, clinical_done. */
    public List<Boolean> flags(String sopKey) throws Exception {
        List<String> row = rows("select research_done || ',' || clinical_done from instance where sop_instance_key = '"
                + sopKey + "'");
        assertThat(row).as("the instance's row").hasSize(1);
        return Stream.of(row.get(0).split(",")).map(Boolean::parseBoolean).toList();
    }

    public long count(String sql) throws Exception {
        return Sql.count(database.dataSource(), sql);
    }

    public List<String> rows(String sql) throws Exception {
        return Sql.rows(database.dataSource(), sql);
    }

    @Override
    public void close() {
        database.close();
    }
}
