package org.osteonode.export;

import org.junit.jupiter.api.Test;
import org.osteonode.labels.BodyPart;
import org.osteonode.labels.DxaMeasurement;
import org.osteonode.labels.DxaSite;
import org.osteonode.labels.ProxyLabels;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OutcomesTest {
    private static final LocalDate STUDY = LocalDate.of(2025, 6, 1);

    private static ProxyLabels image(String sop, String patient, LocalDate studyDate) {
        return new ProxyLabels(sop, "series", "study", patient, "DX", "1.2.840.10008.5.1.4.1.1.1.1", BodyPart.LSPINE,
                "tag", null, 70, "70-79", "F", "AP", null, "ACME", "X1", 256, 256, null, null, 12, "MONOCHROME2",
                studyDate);
    }

    private static DxaMeasurement dxa(LocalDate on, DxaSite site, double t) {
        return new DxaMeasurement(on, site, t, null, null);
    }

    @Test
    void theNearestMeasurementWithinTheWindowIsJoinedWithItsSignedDays() {
        Map<String, Outcomes.Outcome> outcomes = Outcomes.nearest(List.of(image("s1", "p1", STUDY)), Map.of("p1",
                List.of(dxa(STUDY.minusDays(300), DxaSite.TOTAL_HIP, -3.0), dxa(STUDY.plusDays(40), DxaSite.TOTAL_HIP,
                        -1.5))), 365);

        assertThat(outcomes.get("s1")).isEqualTo(new Outcomes.Outcome(40, DxaSite.TOTAL_HIP, -1.5));
        assertThat(outcomes.get("s1").whoLabel()).isEqualTo("osteopenia");
    }

    @Test
    void outsideTheWindowOrWithoutAStudyDateThereIsNone() {
        Map<String, List<DxaMeasurement>> byPatient = Map.of("p1", List.of(dxa(STUDY.plusDays(366), DxaSite.TOTAL_HIP,
                -3.0)), "p2", List.of(dxa(STUDY, DxaSite.TOTAL_HIP, -3.0)));
        assertThat(Outcomes.nearest(List.of(image("s1", "p1", STUDY), image("s2", "p2", null),
                image("s3", "p3", STUDY)), byPatient, 365)).isEmpty();
        assertThat(Outcomes.nearest(List.of(image("s1", "p1", STUDY)), byPatient, 366)).containsKey("s1");
    }

    @Test
    void ofTwoEquallyNearDatesTheEarlierAndOfOneDaysSitesTheLowestTScore() {
        Map<String, Outcomes.Outcome> outcomes = Outcomes.nearest(List.of(image("s1", "p1", STUDY)), Map.of("p1",
                List.of(dxa(STUDY.plusDays(10), DxaSite.LUMBAR_SPINE, -3.5),
                        dxa(STUDY.minusDays(10), DxaSite.LUMBAR_SPINE, -1.2),
                        dxa(STUDY.minusDays(10), DxaSite.FEMORAL_NECK, -2.6))), 365);

        assertThat(outcomes.get("s1")).isEqualTo(new Outcomes.Outcome(-10, DxaSite.FEMORAL_NECK, -2.6));
        assertThat(outcomes.get("s1").whoLabel()).isEqualTo("osteoporosis");
    }

    @Test
    void anotherPatientsMeasurementIsNeverJoined() {
        assertThat(Outcomes.nearest(List.of(image("s1", "p1", STUDY)), Map.of("p2",
                List.of(dxa(STUDY, DxaSite.TOTAL_HIP, -3.0))), 365)).isEmpty();
    }
}
