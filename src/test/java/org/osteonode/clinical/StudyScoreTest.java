package org.osteonode.clinical;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StudyScoreTest {
    @Test
    void theMostSuspiciousImageDecidesNotTheAverage() {
        StudyScore score = StudyScore.of(List.of(0.2, 0.9, 0.4), 0.5);

        assertThat(score.probability()).isEqualTo(0.9);
        assertThat(score.likely()).isTrue();
    }

    @Test
    void likelyFromTheThresholdOnUnlikelyBelowIt() {
        assertThat(StudyScore.of(List.of(0.3, 0.6), 0.6).likely()).isTrue();
        assertThat(StudyScore.of(List.of(0.3, 0.6), 0.6000001).likely()).isFalse();
        assertThat(StudyScore.of(List.of(0.1), 0.5)).isEqualTo(new StudyScore(0.1, false));
    }
}
