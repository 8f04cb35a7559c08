package org.osteonode.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.labels.BodyPart;
import org.osteonode.labels.ProxyLabels;
import org.osteonode.testing.SharedPostgres;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The label table as the export reads it, and the opt-out list, on a real PostgreSQL. */
class LabelStoreTest {
    @TempDir
    Path temp;

    private Database database;
    private LabelStore labels;

    @BeforeEach
    void open() throws Exception {
        database = SharedPostgres.freshDatabase(temp);
        labels = new LabelStore(database.dataSource());
        labels.write(List.of(
                row("a", "p1", BodyPart.LSPINE, "DX", 74, "F", "AP", LocalDate.of(2020, 5, 1)),
                row("b", "p1", BodyPart.HIP, "DX", 74, "F", "AP", LocalDate.of(2020, 5, 1)),
                row("c", "p2", BodyPart.CHEST, "CR", 35, "M", "PA", LocalDate.of(2021, 1, 10)),
                row("d", "p3", BodyPart.LSPINE, "CR", 90, "O", "LL", null),
                row("e", "p4", BodyPart.HIP, "DX", null, null, null, LocalDate.of(2019, 12, 31))));
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void eachFilterSelectsExactlyItsRowsInKeyOrder() throws Exception {
        assertThat(keys(query(Set.of(), Set.of(), null, null, null, null, null, null))).containsExactly("a", "b", "c", "d", "e");
        assertThat(keys(query(Set.of("LSPINE", "HIP"), Set.of(), null, null, null, null, null, null))).containsExactly("a", "b", "d", "e");
        assertThat(keys(query(Set.of(), Set.of("CR"), null, null, null, null, null, null))).containsExactly("c", "d");
        assertThat(keys(query(Set.of(), Set.of(), "PA", null, null, null, null, null))).containsExactly("c");
        assertThat(keys(query(Set.of(), Set.of(), null, "F", null, null, null, null))).containsExactly("a", "b");
        assertThat(keys(query(Set.of(), Set.of(), null, null, 74, null, null, null))).containsExactly("a", "b", "d");
        assertThat(keys(query(Set.of(), Set.of(), null, null, null, 74, null, null))).containsExactly("a", "b", "c");
        assertThat(keys(query(Set.of(), Set.of(), null, null, null, null, LocalDate.of(2020, 5, 1), null))).containsExactly("a", "b", "c");
        assertThat(keys(query(Set.of(), Set.of(), null, null, null, null, null, LocalDate.of(2020, 5, 1)))).containsExactly("a", "b", "e");
        assertThat(keys(new LabelStore(database.dataSource()).matching(new LabelQuery(Set.of(), Set.of(),
                Set.of("1.2.840.10008.5.1.4.1.1.1"), null, null, null, null, null, null)))).isEmpty();
    }

    @Test
    void aRowReadBackIsTheRowWritten() throws Exception {
        ProxyLabels read = labels.matching(query(Set.of("CHEST"), Set.of(), null, null, null, null, null, null)).get(0);
        assertThat(read).isEqualTo(row("c", "p2", BodyPart.CHEST, "CR", 35, "M", "PA", LocalDate.of(2021, 1, 10)));
        ProxyLabels empty = labels.matching(query(Set.of(), Set.of(), null, null, null, null, null, LocalDate.of(2019, 12, 31))).get(0);
        assertThat(empty.ageYears()).isNull();
        assertThat(empty.sex()).isNull();
    }

    @Test
    void anOptedOutPatientLosesTheirLabelsAndGetsNoMore() throws Exception {
        OptOutRegistry registry = new OptOutRegistry(database.dataSource());

        OptOutRegistry.Added added = registry.add(List.of("p1", "p9"));

        assertThat(added.patients()).isEqualTo(2);
        assertThat(added.labelsDeleted()).isEqualTo(2);
        assertThat(registry.add(List.of("p1")).patients()).as("already listed").isZero();
        assertThat(registry.count()).isEqualTo(2);
        assertThat(registry.contains("p1")).isTrue();
        assertThat(registry.contains("p2")).isFalse();
        assertThat(labels.write(List.of(row("f", "p1", BodyPart.HIP, "DX", 74, "F", "AP", null)))).isZero();
        assertThat(labels.write(List.of(row("g", "p2", BodyPart.HIP, "DX", 35, "M", "AP", null)))).isEqualTo(1);
        assertThat(keys(query(Set.of(), Set.of(), null, null, null, null, null, null))).containsExactly("c", "d", "e", "g");
    }

    @Test
    void exportsAreRecordedAndListedOldestFirst() throws Exception {
        ExportAudit audit = new ExportAudit(database.dataSource());
        audit.record(new ExportAudit.Entry(java.time.Instant.parse("2026-01-01T00:00:00Z"), "steward", "host", "{}",
                "{\"train\":3}", "/data/a", "abc"));
        audit.record(new ExportAudit.Entry(java.time.Instant.parse("2026-02-01T00:00:00Z"), "steward", "host", "{}",
                "{}", "/data/b", "def"));

        assertThat(audit.list()).extracting(ExportAudit.Entry::outputPath).containsExactly("/data/a", "/data/b");
        assertThat(audit.list().get(0).counts()).isEqualTo("{\"train\":3}");
    }

    private static LabelQuery query(Set<String> parts, Set<String> modalities, String view, String sex, Integer minAge,
            Integer maxAge, LocalDate from, LocalDate to) {
        return new LabelQuery(parts, modalities, Set.of(), view, sex, minAge, maxAge, from, to);
    }

    private List<String> keys(LabelQuery query) throws Exception {
        return keys(labels.matching(query));
    }

    private static List<String> keys(List<ProxyLabels> rows) {
        return rows.stream().map(ProxyLabels::sopInstanceKey).toList();
    }

    private static ProxyLabels row(String key, String patient, BodyPart part, String modality, Integer age, String sex,
            String view, LocalDate date) {
        return new ProxyLabels(key, "se-" + key, "st-" + key, patient, modality, "1.2.840.10008.5.1.4.1.1.1.1", part,
                "BodyPartExamined", null, age, age == null ? null : age >= 90 ? "90+" : (age / 10 * 10) + "-" + (age / 10 * 10 + 9),
                sex, view, null, "ACME", "X1", 256, 256, 0.15, 0.15, 12, "MONOCHROME2", date);
    }
}
