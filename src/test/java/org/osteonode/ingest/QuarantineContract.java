package org.osteonode.ingest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.objects.ObjectStore;
import org.osteonode.observe.Metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * What the quarantine promises over any {@link ObjectStore}, run by a subclass per store: two quarantines over one
 * store are two nodes sharing it (cluster mode's PHI bucket), each with its own spool and scratch directory.
 */
abstract class QuarantineContract {
    @TempDir
    Path temp;

    ObjectStore store;

    /** An empty store. */
    abstract ObjectStore newStore() throws Exception;

    /** The key prefix the quarantine is given over this store, as the node gives it. */
    abstract String keyPrefix();

    @BeforeEach
    void open() throws Exception {
        store = newStore();
    }

    @AfterEach
    void close() throws IOException {
        store.close();
    }

    Quarantine node(String name, Metrics metrics) {
        return new Quarantine(store, keyPrefix(), temp.resolve("scratch-" + name), metrics);
    }

    Path file(String name, String content) throws IOException {
        return Files.writeString(temp.resolve(name), content);
    }

    @Test
    void aPutObjectIsMovedInListedWithItsReasonReleasedIntoTheSpoolAndPurged() throws Exception {
        Metrics metrics = new Metrics();
        Quarantine quarantine = node("a", metrics);
        Spool spool = new Spool(temp.resolve("spool"), 0);
        Path one = file("1700000000000-000001-0badc0de.dcm", "one");
        Instant before = Instant.now();
        assertThat(quarantine.put(one, "unparseable", "not DICOM")).isEqualTo("1700000000000-000001-0badc0de.dcm");
        quarantine.put(file("1700000000000-000002-0badc0de.dcm", "two!"), "too-large", "over\n4 MiB");

        assertThat(one).as("moved: gone once the store holds it").doesNotExist();
        assertThat(metrics.count("osteonode.quarantined", "reason", "unparseable")).isEqualTo(1.0);
        assertThat(quarantine.list()).as("oldest first")
                .extracting(Quarantine.Entry::name, Quarantine.Entry::reason, Quarantine.Entry::detail,
                        Quarantine.Entry::bytes)
                .containsExactly(tuple("1700000000000-000001-0badc0de.dcm", "unparseable", "not DICOM", 3L),
                        tuple("1700000000000-000002-0badc0de.dcm", "too-large", "over 4 MiB", 4L));
        assertThat(quarantine.list().get(0).quarantinedAt()).isBetween(before, Instant.now());

        Path back = quarantine.release("1700000000000-000001-0badc0de.dcm", spool);

        assertThat(back).hasParent(spool.dir()).hasContent("one");
        assertThat(spool.pending()).containsExactly(back);
        assertThat(quarantine.list()).extracting(Quarantine.Entry::name)
                .containsExactly("1700000000000-000002-0badc0de.dcm");
        assertThat(store.list(keyPrefix())).as("the released object and its reason record gone")
                .containsExactly(keyPrefix() + "1700000000000-000002-0badc0de.dcm",
                        keyPrefix() + "1700000000000-000002-0badc0de.dcm.reason");

        assertThat(quarantine.purge(Instant.now().minusSeconds(3600))).as("nothing that old").isZero();
        assertThat(quarantine.purge(Instant.now().plusSeconds(1))).isEqualTo(1);
        assertThat(store.list(keyPrefix())).isEmpty();
        assertThat(temp.resolve("scratch-a")).isEmptyDirectory();
    }

    @Test
    void aCopyIsQuarantinedTheFirstTimeOnlyAndTheOriginalStays() throws Exception {
        Metrics metrics = new Metrics();
        Quarantine quarantine = node("a", metrics);
        Path object = file("0b7d1c.dcm", "not DICOM");

        assertThat(quarantine.copyOnce(object, "unparseable", "research")).isTrue();
        assertThat(quarantine.copyOnce(object, "unparseable", "clinical")).isFalse();

        assertThat(object).hasContent("not DICOM");
        assertThat(metrics.count("osteonode.quarantined", "reason", "unparseable")).isEqualTo(1.0);
        assertThat(quarantine.list()).singleElement().satisfies(entry -> {
            assertThat(entry.detail()).isEqualTo("research");
            assertThat(entry.bytes()).isEqualTo(9);
        });
    }

    @Test
    void bothPathsOfANodeGivingUpAtOnceQuarantineAndCountTheObjectOnce() throws Exception {
        // bin/test caught it: both paths quarantined one unparseable object, the counter said 2
        ExecutorService paths = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 10; round++) {
                Metrics metrics = new Metrics();
                Quarantine quarantine = node("a", metrics);
                Path object = file("o" + round + ".dcm", "not DICOM");
                CyclicBarrier together = new CyclicBarrier(2);
                Callable<Boolean> giveUp = () -> {
                    together.await();
                    return quarantine.copyOnce(object, "unparseable", "test");
                };
                Future<Boolean> research = paths.submit(giveUp);
                Future<Boolean> clinical = paths.submit(giveUp);
                assertThat(research.get() ^ clinical.get()).as("exactly one of them, round " + round).isTrue();
                assertThat(metrics.count("osteonode.quarantined", "reason", "unparseable")).isEqualTo(1.0);
            }
        } finally {
            paths.shutdownNow();
        }
    }

    @Test
    void whatOneNodeQuarantinesTheOtherListsReleasesIntoItsOwnSpoolAndPurges() throws Exception {
        Quarantine first = node("first", new Metrics());
        Quarantine second = node("second", new Metrics());
        Spool secondSpool = new Spool(temp.resolve("second-spool"), 0);
        first.put(file("1700000000000-000001-00000001.dcm", "refused on the first node"), "sop-class-mismatch", "a");
        first.copyOnce(file("5e1f.dcm", "given up on the first node"), "processing-failed", "b");
        second.put(file("1700000000000-000001-00000002.dcm", "refused on the second node"), "unparseable", "c");

        assertThat(second.copyOnce(temp.resolve("5e1f.dcm"), "processing-failed", "the other path"))
                .as("quarantined once, whichever node gave up first").isFalse();
        assertThat(second.list()).as("the second node sees the first's too")
                .extracting(Quarantine.Entry::name)
                .containsExactly("1700000000000-000001-00000001.dcm", "5e1f.dcm", "1700000000000-000001-00000002.dcm");
        assertThat(first.list()).isEqualTo(second.list());

        Path back = second.release("5e1f.dcm", secondSpool);
        assertThat(back).hasParent(secondSpool.dir()).hasContent("given up on the first node");
        assertThat(first.list()).extracting(Quarantine.Entry::name)
                .containsExactly("1700000000000-000001-00000001.dcm", "1700000000000-000001-00000002.dcm");
        assertThatThrownBy(() -> first.release("5e1f.dcm", new Spool(temp.resolve("first-spool"), 0)))
                .as("released once").isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("quarantine list");

        assertThat(second.purge(Instant.now().plusSeconds(1))).isEqualTo(2);
        assertThat(first.list()).isEmpty();
        assertThat(store.list(keyPrefix())).isEmpty();
    }

    @Test
    void onlyANameFromTheListCanBeReleased() throws Exception {
        Quarantine quarantine = node("a", new Metrics());
        Spool spool = new Spool(temp.resolve("spool"), 0);
        Path outside = file("outside.dcm", "not quarantined");

        for (String name : new String[] {"../outside.dcm", "/tmp/outside.dcm", ".hidden.dcm", "a/b.dcm", "x.dcm.reason",
                "DOE^JOHN.dcm", "x".repeat(Quarantine.MAX_NAME) + ".dcm", ""}) {
            assertThatThrownBy(() -> quarantine.release(name, spool)).as(name)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not a quarantine name")
                    .hasMessageNotContaining("DOE");
        }
        assertThatThrownBy(() -> quarantine.release("missing.dcm", spool))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no quarantined object");
        assertThat(outside).exists();
        assertThat(spool.pending()).isEmpty();
    }
}
