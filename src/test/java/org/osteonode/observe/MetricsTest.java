package org.osteonode.observe;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsTest {
    @Test
    void inferenceTimeIsTaggedWithTheProviderInUse() {
        Metrics metrics = new Metrics();

        metrics.inference("cpu").record(Duration.ofMillis(3));

        assertThat(metrics.scrape())
                .contains("osteonode_inference_seconds_count{provider=\"cpu\"} 1")
                .doesNotContain("provider=\"cuda\"");
    }
}
