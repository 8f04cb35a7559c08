package org.osteonode.ingest;

import org.junit.jupiter.api.Test;
import org.osteonode.objects.FileObjectStore;
import org.osteonode.objects.ObjectStore;
import org.osteonode.observe.Metrics;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

/** A single node's quarantine: the folder {@code data-dir/quarantine} as a {@link FileObjectStore}. */
class QuarantineTest extends QuarantineContract {
    @Override
    ObjectStore newStore() {
        return Quarantine.folder(temp.resolve("quarantine"));
    }

    @Override
    String keyPrefix() {
        return "";
    }

    @Test
    void theFolderHoldsEachObjectAndItsReasonAsFilesBesideTheirChecksumRecords() throws Exception {
        Quarantine quarantine = new Quarantine(temp.resolve("folder"), new Metrics());
        quarantine.put(file("1700000000000-000001-0badc0de.dcm", "one"), "unparseable", "not DICOM");

        assertThat(visibleFiles(temp.resolve("folder")))
                .containsExactly("1700000000000-000001-0badc0de.dcm", "1700000000000-000001-0badc0de.dcm.reason");
        assertThat(temp.resolve("folder/1700000000000-000001-0badc0de.dcm.reason")).content()
                .contains("reason=unparseable", "detail=not DICOM", "bytes=3");
    }

    @Test
    void aFolderAnOlderOsteonodeWroteIsAdoptedListedReleasedAndPurged() throws Exception {
        // as the older osteonode left them: plain files, no checksum records, reasons without the object's size
        Path dir = Files.createDirectories(temp.resolve("old"));
        Files.writeString(dir.resolve("1600000000000-000001.dcm"), "old one");
        Files.writeString(dir.resolve("1600000000000-000001.dcm.reason"),
                "reason=unparseable\ndetail=not DICOM\nquarantined-at=2020-09-13T12:26:40Z\n");
        Files.writeString(dir.resolve("1600000000000-000002.dcm"), "old two!");
        Files.writeString(dir.resolve("1600000000000-000002.dcm.reason"),
                "reason=sop-class-mismatch\ndetail=x\nquarantined-at=2020-09-13T12:26:41Z\n");

        Quarantine quarantine = new Quarantine(dir, new Metrics());

        assertThat(quarantine.list())
                .extracting(Quarantine.Entry::name, Quarantine.Entry::reason, Quarantine.Entry::quarantinedAt,
                        Quarantine.Entry::bytes)
                .containsExactly(
                        tuple("1600000000000-000001.dcm", "unparseable", Instant.parse("2020-09-13T12:26:40Z"), 7L),
                        tuple("1600000000000-000002.dcm", "sop-class-mismatch", Instant.parse("2020-09-13T12:26:41Z"),
                                8L));
        Spool spool = new Spool(temp.resolve("spool"), 0);
        assertThat(quarantine.release("1600000000000-000001.dcm", spool)).as("read, its checksum verified")
                .hasContent("old one");
        assertThat(new Quarantine(dir, new Metrics()).list()).as("adopted once: opened again, nothing changes")
                .extracting(Quarantine.Entry::bytes).containsExactly(8L);
        assertThat(quarantine.purge(Instant.parse("2021-01-01T00:00:00Z"))).isEqualTo(1);
        assertThat(visibleFiles(dir)).isEmpty();
    }

    @Test
    void aBadNameIsRefusedBeforeTheStoreIsTouched() {
        AtomicInteger calls = new AtomicInteger();
        ObjectStore untouchable = (ObjectStore) Proxy.newProxyInstance(ObjectStore.class.getClassLoader(),
                new Class<?>[] {ObjectStore.class}, (proxy, method, arguments) -> {
                    calls.incrementAndGet();
                    throw new IOException("the store was touched: " + method.getName());
                });
        Quarantine quarantine = new Quarantine(untouchable, "quarantine/", temp.resolve("scratch"), new Metrics());
        Spool spool = new Spool(temp.resolve("spool"), 0);

        assertThatThrownBy(() -> quarantine.release("../../objects/x.dcm", spool))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Quarantine.checkName("SMITH^JOHN.dcm")).isInstanceOf(IllegalArgumentException.class);
        assertThat(calls).hasValue(0);
        assertThat(temp.resolve("spool/incoming")).isEmptyDirectory();
    }

    @Test
    void aFolderRunNamesItsQuarantinedFilesWithinTheKeyRules() {
        assertThat(Quarantine.nameFor("43-dupuid-b-cr-greek.dcm")).isEqualTo("43-dupuid-b-cr-greek.dcm");
        assertThat(Quarantine.nameFor("SMITH^JOHN_IM 0001")).isEqualTo("SMITH_JOHN_IM_0001.dcm");
        assertThat(Quarantine.nameFor(".hidden")).isEqualTo("_.hidden.dcm");
        assertThat(Quarantine.nameFor("Ünïcode_ø.dcm")).isEqualTo("_n_code__.dcm");
        assertThat(Quarantine.nameFor("x".repeat(300))).hasSize(Quarantine.MAX_NAME).endsWith(".dcm");
        for (String name : new String[] {"a", "x".repeat(300), ".", "../..", "a/b"}) {
            assertThat(Quarantine.checkName(Quarantine.nameFor(name))).isNotNull();
        }
    }

    private static Stream<String> visibleFilesStream(Path dir) throws IOException {
        return Files.list(dir).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted();
    }

    private static java.util.List<String> visibleFiles(Path dir) throws IOException {
        try (Stream<String> names = visibleFilesStream(dir)) {
            return names.toList();
        }
    }
}
