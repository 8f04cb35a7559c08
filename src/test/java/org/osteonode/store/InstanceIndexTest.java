package org.osteonode.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.deid.Pseudonymizer;
import org.osteonode.ingest.InstanceHeader;
import org.osteonode.ingest.ProcessingPath;
import org.osteonode.testing.SharedPostgres;
import org.osteonode.testing.SyntheticDicom;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Cluster mode's "both paths done" on a real PostgreSQL: whichever path finishes second learns it. */
class InstanceIndexTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path temp;

    private Database database;
    private InstanceIndex index;

    @BeforeEach
    void open() throws Exception {
        database = SharedPostgres.freshDatabase(temp);
        index = new InstanceIndex(database.dataSource(), new Pseudonymizer(SECRET));
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void whicheverPathIsDoneSecondLearnsThatBothAreDoneAndSayingItAgainChangesNothing() throws Exception {
        InstanceHeader researchFirst = recorded(1);
        InstanceHeader clinicalFirst = recorded(2);

        assertThat(index.pathDone(ProcessingPath.RESEARCH, researchFirst)).isFalse();
        assertThat(index.pathDone(ProcessingPath.RESEARCH, researchFirst)).as("a redelivery").isFalse();
        assertThat(index.pathDone(ProcessingPath.CLINICAL, researchFirst)).isTrue();
        assertThat(index.pathDone(ProcessingPath.RESEARCH, researchFirst)).as("a redelivery after both").isTrue();

        assertThat(index.pathDone(ProcessingPath.CLINICAL, clinicalFirst)).isFalse();
        assertThat(index.pathDone(ProcessingPath.RESEARCH, clinicalFirst)).isTrue();
    }

    @Test
    void anInstanceWithoutARowIsNotDone() throws Exception {
        InstanceHeader header = header(3);

        assertThat(index.pathDone(ProcessingPath.RESEARCH, header)).isFalse();
        assertThat(index.pathDone(ProcessingPath.CLINICAL, header)).isFalse();
    }

    /** Two nodes, one per path, finishing the same instance at the same moment: never both miss it. */
    @Test
    void whenBothPathsFinishAtOnceAtLeastOneLearnsThatBothAreDone() throws Exception {
        ExecutorService nodes = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 50; i++) {
                InstanceHeader header = recorded(100 + i);
                CyclicBarrier together = new CyclicBarrier(2);
                Future<Boolean> research = nodes.submit(done(ProcessingPath.RESEARCH, header, together));
                Future<Boolean> clinical = nodes.submit(done(ProcessingPath.CLINICAL, header, together));
                boolean researchSawBoth = research.get(30, TimeUnit.SECONDS);
                boolean clinicalSawBoth = clinical.get(30, TimeUnit.SECONDS);
                assertThat(researchSawBoth || clinicalSawBoth).as("round " + i).isTrue();
            }
        } finally {
            nodes.shutdownNow();
        }
    }

    private Callable<Boolean> done(ProcessingPath path, InstanceHeader header, CyclicBarrier together) {
        return () -> {
            together.await(30, TimeUnit.SECONDS);
            return index.pathDone(path, header);
        };
    }

    private InstanceHeader recorded(int instance) throws Exception {
        InstanceHeader header = header(instance);
        index.record(header, 1000);
        return header;
    }

    private InstanceHeader header(int instance) throws Exception {
        return InstanceHeader.read(SyntheticDicom.radiograph().instance(instance).size(8, 8)
                .write(temp.resolve("instance-" + instance + ".dcm")));
    }
}
