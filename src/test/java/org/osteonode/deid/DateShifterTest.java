package org.osteonode.deid;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class DateShifterTest {
    private final DateShifter shifter = new DateShifter(40);

    @ParameterizedTest(name = "DA {0} -> {1}")
    @CsvSource({
            "20240115, 20231206",
            "' 20240301 ', 20240121",   // across a leap February
            "2024.03.01, 20240121"})     // the retired ACR-NEMA form
    void aDateMovesBackByThePatientsDays(String value, String shifted) {
        assertThat(shifter.shiftDate(value)).isEqualTo(shifted);
        assertThat(shifter.daysBack()).isEqualTo(40);
    }

    @ParameterizedTest(name = "DA \"{0}\" is not kept")
    @ValueSource(strings = {"2024011", "202401150", "20240230", "2024AB15", ""})
    void aValueThatIsNoDateIsNotKept(String value) {
        assertThat(shifter.shiftDate(value)).isNull();
    }

    @ParameterizedTest(name = "DT {0} -> {1}")
    @CsvSource({
            "20240115093012.123456, 20231206093012.123456",
            "20240115093012+0100, 20231206093012+0100",
            "20240115-0500, 20231206-0500",
            "20240115, 20231206",
            "202403, 202401",             // a month keeps its precision, shifted from its first day
            "2024, 2023",
            "2024+0000, 2023+0000"})
    void aDateTimeMovesItsDateAndKeepsItsTimeAndOffset(String value, String shifted) {
        assertThat(shifter.shiftDateTime(value)).isEqualTo(shifted);
    }

    @ParameterizedTest(name = "DT \"{0}\" is not kept")
    @ValueSource(strings = {"202", "20241", "2024011", "2024AB15", "20240230120000", "+0100", "2024011x"})
    void aValueThatIsNoDateTimeIsNotKept(String value) {
        assertThat(shifter.shiftDateTime(value)).isNull();
    }

    @Test
    void noShiftKeepsTheValue() {
        assertThat(new DateShifter(0).shiftDateTime("20240115093012")).isEqualTo("20240115093012");
    }
}
