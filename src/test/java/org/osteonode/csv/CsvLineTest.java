package org.osteonode.csv;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CsvLineTest {
    @Test
    void quotedFieldsKeepTheirCommasAndDoubledQuotes() {
        assertThat(CsvLine.fields("a,\"b, \"\"c\"\"\",d")).containsExactly("a", "b, \"c\"", "d");
        assertThat(CsvLine.fields("a,,")).containsExactly("a", "", "");
        assertThat(CsvLine.fields("")).containsExactly("");
    }
}
