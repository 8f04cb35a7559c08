package org.osteonode.labels;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DxaCsvTest {
    private static final LocalDate TODAY = LocalDate.of(2026, 12, 1);
    private static final String HEADER = "issuer_of_patient_id,patient_id,measurement_date,site,t_score,z_score,bmd";

    private static DxaCsv.Parsed parse(String... lines) {
        return DxaCsv.parse(List.of(lines), TODAY);
    }

    @Test
    void aGoodFileGivesEveryRowWithItsSiteDateAndValues() {
        DxaCsv.Parsed parsed = parse(HEADER,
                "HOSP_A,MRN1001,2026-03-04,lumbar spine,-2.7,-1.9,0.812",
                "HOSP_A,MRN1001,20260304,Total_Hip,-1.4,,",
                "\"HOSP, A\",\"MRN \"\"1002\"\"\",2025-11-30,FEMORAL-NECK,0.3,0.1,1.02",
                "");

        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.rows()).hasSize(3);
        DxaCsv.Row first = parsed.rows().get(0);
        assertThat(first.line()).isEqualTo(2);
        assertThat(first.measuredOn()).isEqualTo(LocalDate.of(2026, 3, 4));
        assertThat(first.site()).isEqualTo(DxaSite.LUMBAR_SPINE);
        assertThat(first.tScore()).isEqualTo(-2.7);
        assertThat(first.zScore()).isEqualTo(-1.9);
        assertThat(first.bmd()).isEqualTo(0.812);
        assertThat(parsed.rows().get(1).site()).isEqualTo(DxaSite.TOTAL_HIP);
        assertThat(parsed.rows().get(1).zScore()).isNull();
        assertThat(parsed.rows().get(2).issuerOfPatientId()).isEqualTo("HOSP, A");
        assertThat(parsed.rows().get(2).patientId()).isEqualTo("MRN \"1002\"");
        assertThat(parsed.rows().get(2).site()).isEqualTo(DxaSite.FEMORAL_NECK);
    }

    @Test
    void eachBadRowIsReportedByItsLineAndReasonWithoutItsValues() {
        DxaCsv.Parsed parsed = parse(HEADER,
                "HOSP_A,MRN2001,2026-02-30,lumbar spine,-2.7,,",
                "HOSP_A,MRN2002,2026-01-10,wrist,-2.7,,",
                "HOSP_A,MRN2003,2026-01-10,total hip,minus two,,",
                "HOSP_A,,2026-01-10,total hip,-1.0,,",
                "HOSP_A,MRN2005,2027-01-10,total hip,-1.0,,",
                "HOSP_A,MRN2006,2026-01-10,total hip,-11,,",
                "HOSP_A,MRN2007,2026-01-10,total hip",
                "HOSP_A,MRN2008,2026-01-10,total hip,-1.0,,9",
                "HOSP_A,MRN2009,2026-01-10,total hip,-1.0,,",
                "HOSP_A,MRN2009,2026-01-10,total hip,-1.5,,");

        assertThat(parsed.problems()).extracting(DxaCsv.Problem::toString).containsExactly(
                "line 2: measurement_date is not a date (YYYY-MM-DD or YYYYMMDD)",
                "line 3: site is not one of lumbar spine, total hip, femoral neck",
                "line 4: t_score is not a number",
                "line 5: patient_id is empty",
                "line 6: measurement_date is in the future",
                "line 7: t_score is outside -10.0..10.0",
                "line 8: has 4 fields, the header has 7",
                "line 9: bmd is outside 0.01..3.0",
                "line 11: repeats the patient, date and site of line 10 with other values");
        assertThat(parsed.rows()).extracting(DxaCsv.Row::line).containsExactly(10);
        assertThat(String.join("\n", parsed.problems().stream().map(Object::toString).toList()))
                .doesNotContain("MRN").doesNotContain("wrist").doesNotContain("2026-02-30");
    }

    @Test
    void theSameRowTwiceIsOneRow() {
        DxaCsv.Parsed parsed = parse(HEADER, "H,MRN3001,2026-01-10,total hip,-1.0,,",
                "H,MRN3001,2026-01-10,total hip,-1.0,,");
        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.rows()).hasSize(1);
    }

    @Test
    void aHeaderWithoutARequiredColumnIsRefusedAndTheOptionalOnesMayBeMissing() {
        assertThat(parse("patient_id,measurement_date,site,t_score", "MRN1,2026-01-01,total hip,-1").problems())
                .extracting(DxaCsv.Problem::toString).containsExactly("line 1: the header has no column "
                        + "issuer_of_patient_id (it needs issuer_of_patient_id, patient_id, measurement_date, site, "
                        + "t_score; optional: z_score, bmd)");
        DxaCsv.Parsed minimal = parse("\uFEFFT_Score,Site,Measurement_Date,Patient_ID,Issuer_of_Patient_ID",
                "-3.1,lumbar spine,2026-01-01,MRN4001,");
        assertThat(minimal.problems()).isEmpty();
        assertThat(minimal.rows().get(0).tScore()).isEqualTo(-3.1);
        assertThat(minimal.rows().get(0).issuerOfPatientId()).isEmpty();
        assertThat(parse().problems()).hasSize(1);
    }

    @Test
    void theWhoClassificationHasItsBoundariesWhereWhoPutsThem() {
        assertThat(DxaMeasurement.whoLabel(-2.5)).isEqualTo("osteoporosis");
        assertThat(DxaMeasurement.whoLabel(-2.4)).isEqualTo("osteopenia");
        assertThat(DxaMeasurement.whoLabel(-1.01)).isEqualTo("osteopenia");
        assertThat(DxaMeasurement.whoLabel(-1.0)).isEqualTo("normal");
        assertThat(DxaMeasurement.whoLabel(1.2)).isEqualTo("normal");
    }
}
