package org.osteonode.export;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SplitsTest {
    @Test
    void aSeedAlwaysGivesTheSameSplitAndAnotherSeedAnother() {
        Splits seven = Splits.parse("train=0.8,val=0.1,test=0.1", 7);
        Splits again = Splits.parse("train=0.8,val=0.1,test=0.1", 7);
        Splits eight = Splits.parse("train=0.8,val=0.1,test=0.1", 8);
        int differ = 0;
        for (int i = 0; i < 1000; i++) {
            String patient = "patient" + i;
            assertThat(again.of(patient)).isEqualTo(seven.of(patient));
            differ += seven.of(patient).equals(eight.of(patient)) ? 0 : 1;
        }
        assertThat(differ).as("another seed shuffles").isGreaterThan(100);
    }

    @Test
    void fractionsAreMetOnManyPatients() {
        Splits splits = Splits.parse("train=0.8,val=0.1,test=0.1", 1);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            counts.merge(splits.of("p" + i), 1, Integer::sum);
        }
        assertThat(counts.get("train")).isBetween(15_700, 16_300);
        assertThat(counts.get("val")).isBetween(1_850, 2_150);
        assertThat(counts.get("test")).isBetween(1_850, 2_150);
    }

    @Test
    void aPatientsSplitDependsOnNothingButTheSeedAndTheKey() {
        // Stable as data arrives: the split is a function of (seed, key) alone, not of who else is exported.
        Splits splits = Splits.parse("train=0.7,test=0.3", 3);
        assertThat(splits.of("2.25.123")).isEqualTo(Splits.parse("train=0.7,test=0.3", 3).of("2.25.123"));
        assertThat(Splits.draw(3, "2.25.123")).isEqualTo(Splits.draw(3, "2.25.123")).isBetween(0.0, 1.0);
    }

    @Test
    void badSpecsAreRefused() {
        assertThatThrownBy(() -> Splits.parse("train=0.8,val=0.1", 0)).hasMessageContaining("add up to 1");
        assertThatThrownBy(() -> Splits.parse("train:0.8", 0)).hasMessageContaining("name=fraction");
        assertThatThrownBy(() -> Splits.parse("train=1.2,test=-0.2", 0)).hasMessageContaining("at least 0");
    }
}
