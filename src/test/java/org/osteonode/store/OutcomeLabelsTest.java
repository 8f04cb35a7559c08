package org.osteonode.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.labels.DxaMeasurement;
import org.osteonode.labels.DxaSite;
import org.osteonode.testing.SharedPostgres;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** DXA outcome labels on a real PostgreSQL: an import is all or nothing, and the same import twice changes nothing. */
class OutcomeLabelsTest {
    @TempDir
    Path temp;

    private Database database;
    private OutcomeLabels outcomes;

    @BeforeEach
    void open() throws Exception {
        database = SharedPostgres.freshDatabase(temp);
        outcomes = new OutcomeLabels(database.dataSource());
    }

    @AfterEach
    void close() {
        database.close();
    }

    private static OutcomeLabels.Keyed row(String patient, int day, DxaSite site, double t, Double z) {
        return new OutcomeLabels.Keyed(patient, new DxaMeasurement(LocalDate.of(2025, 1, 1).plusDays(day), site, t, z,
                null));
    }

    @Test
    void theSameRowsAgainChangeNothingAndACorrectedValueIsCountedAsChanged() throws Exception {
        List<OutcomeLabels.Keyed> file = List.of(row("p1", 0, DxaSite.LUMBAR_SPINE, -2.7, -1.1),
                row("p1", 0, DxaSite.TOTAL_HIP, -1.9, null), row("p2", 30, DxaSite.FEMORAL_NECK, 0.4, 0.2));

        assertThat(outcomes.put(file)).isEqualTo(new OutcomeLabels.Imported(3, 0, 0));
        assertThat(outcomes.put(file)).isEqualTo(new OutcomeLabels.Imported(0, 0, 3));
        assertThat(outcomes.put(List.of(row("p1", 0, DxaSite.TOTAL_HIP, -2.0, null))))
                .isEqualTo(new OutcomeLabels.Imported(0, 1, 0));
        assertThat(outcomes.count()).isEqualTo(3);

        assertThat(outcomes.of(Set.of("p1")).get("p1")).containsExactlyInAnyOrder(
                new DxaMeasurement(LocalDate.of(2025, 1, 1), DxaSite.LUMBAR_SPINE, -2.7, -1.1, null),
                new DxaMeasurement(LocalDate.of(2025, 1, 1), DxaSite.TOTAL_HIP, -2.0, null, null));
        assertThat(outcomes.of(Set.of())).isEmpty();
    }

    @Test
    void anOptedOutPatientsOutcomesAreDeletedWithTheirLabels() throws Exception {
        outcomes.put(List.of(row("p1", 0, DxaSite.LUMBAR_SPINE, -2.7, null), row("p2", 0, DxaSite.TOTAL_HIP, -1.0, null)));

        new OptOutRegistry(database.dataSource()).add(List.of("p1"));

        assertThat(outcomes.of(Set.of("p1", "p2")).keySet()).containsExactly("p2");
    }
}
