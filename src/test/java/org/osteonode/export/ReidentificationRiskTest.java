package org.osteonode.export;

import org.junit.jupiter.api.Test;
import org.osteonode.labels.BodyPart;
import org.osteonode.labels.ProxyLabels;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReidentificationRiskTest {
    @Test
    void kIsTheSmallestGroupOverAgeBandSexManufacturerModelAndStudyYear() {
        List<ProxyLabels> rows = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            rows.add(row("s" + i, "70-79", "F", "ACME", "X1", LocalDate.of(2020, 1 + i, 1)));
        }
        for (int i = 0; i < 3; i++) {
            rows.add(row("t" + i, "70-79", "M", "ACME", "X1", LocalDate.of(2020, 2, 1)));
        }
        rows.add(row("u", "90+", "F", "ACME", "X1", LocalDate.of(2020, 3, 1)));
        rows.add(row("v", "70-79", "F", "ACME", "X1", LocalDate.of(2021, 3, 1))); // another year: a group of one

        ReidentificationRisk risk = ReidentificationRisk.of(rows, 5);

        assertThat(risk.k()).isEqualTo(1);
        assertThat(risk.rowsBelowMinK()).isEqualTo(5);
        assertThat(risk.groupsBelowMinK()).isEqualTo(3);
        List<ProxyLabels> kept = ReidentificationRisk.withoutGroupsBelow(rows, 5);
        assertThat(kept).hasSize(6).allMatch(r -> r.sopInstanceKey().startsWith("s"));
        assertThat(ReidentificationRisk.of(kept, 5).k()).isEqualTo(6);
        assertThat(ReidentificationRisk.of(List.of(), 5).k()).isZero();
    }

    static ProxyLabels row(String key, String ageBand, String sex, String manufacturer, String model, LocalDate date) {
        return new ProxyLabels(key, "se", "st", "p" + key, "DX", "1.2.840.10008.5.1.4.1.1.1.1", BodyPart.LSPINE,
                "BodyPartExamined", null, 75, ageBand, sex, "AP", null, manufacturer, model, 256, 256, 0.15, 0.15, 12,
                "MONOCHROME2", date);
    }
}
