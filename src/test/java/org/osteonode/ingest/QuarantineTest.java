package org.osteonode.ingest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.observe.Metrics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuarantineTest {
    @TempDir
    Path temp;

    @Test
    void bothPathsGivingUpAtOnceQuarantineAndCountTheObjectOnce() throws Exception {
        // bin/test caught it: both paths quarantined one unparseable object, the counter said 2
        for (int round = 0; round < 50; round++) {
            Metrics metrics = new Metrics();
            Quarantine quarantine = new Quarantine(temp.resolve("q" + round), metrics);
            Path object = Files.writeString(temp.resolve("o" + round + ".dcm"), "not DICOM");
            java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
            java.util.concurrent.Callable<Boolean> giveUp = () -> {
                together.await();
                return quarantine.copyOnce(object, "unparseable", "test");
            };
            java.util.concurrent.ExecutorService paths = java.util.concurrent.Executors.newFixedThreadPool(2);
            var research = paths.submit(giveUp);
            var clinical = paths.submit(giveUp);
            assertThat(research.get() ^ clinical.get()).as("exactly one of them, round " + round).isTrue();
            paths.shutdown();
            assertThat(metrics.count("osteonode.quarantined", "reason", "unparseable")).isEqualTo(1.0);
            try (var left = Files.list(temp.resolve("q" + round))) {
                assertThat(left.filter(p -> p.toString().endsWith(".part"))).isEmpty();
            }
        }
    }

    @Test
    void listedReleasedBackToTheSpoolAndPurged() throws Exception {
        Spool spool = new Spool(temp.resolve("spool"), 0);
        Quarantine quarantine = new Quarantine(temp.resolve("quarantine"), new Metrics());
        quarantine.put(Files.writeString(temp.resolve("1700000000000-000001.dcm"), "one"), "unparseable", "not DICOM");
        quarantine.put(Files.writeString(temp.resolve("1700000000000-000002.dcm"), "two!"), "too-large", "over 4 MiB");

        assertThat(quarantine.list()).extracting(Quarantine.Entry::name, Quarantine.Entry::reason, Quarantine.Entry::bytes)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("1700000000000-000001.dcm", "unparseable", 3L),
                        org.assertj.core.groups.Tuple.tuple("1700000000000-000002.dcm", "too-large", 4L));

        Path back = quarantine.release("1700000000000-000001.dcm", spool);

        assertThat(back).hasParent(spool.dir()).hasContent("one");
        assertThat(spool.pending()).containsExactly(back);
        assertThat(quarantine.list()).extracting(Quarantine.Entry::name).containsExactly("1700000000000-000002.dcm");
        assertThat(temp.resolve("quarantine/1700000000000-000001.dcm.reason")).doesNotExist();

        assertThat(quarantine.purge(Instant.now().minusSeconds(3600))).as("nothing that old").isZero();
        assertThat(quarantine.purge(Instant.now().plusSeconds(1))).isEqualTo(1);
        try (var left = Files.list(temp.resolve("quarantine"))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void onlyANameFromTheListCanBeReleased() throws Exception {
        Spool spool = new Spool(temp.resolve("spool"), 0);
        Quarantine quarantine = new Quarantine(temp.resolve("quarantine"), new Metrics());
        Files.writeString(temp.resolve("outside.dcm"), "not quarantined");

        assertThatThrownBy(() -> quarantine.release("../outside.dcm", spool)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> quarantine.release("missing.dcm", spool)).isInstanceOf(IllegalArgumentException.class);
        assertThat(temp.resolve("outside.dcm")).exists();
    }
}
