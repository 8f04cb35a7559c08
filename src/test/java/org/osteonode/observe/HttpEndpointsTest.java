package org.osteonode.observe;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HttpEndpointsTest {
    @Test
    void aFailedWarningMakesTheNodeDegradedNotDown() {
        Map<String, Boolean> checks = new LinkedHashMap<>(Map.of("database", true));
        Map<String, Boolean> warnings = new LinkedHashMap<>(Map.of("reports", false));

        assertThat(HttpEndpoints.healthJson(true, true, checks, warnings))
                .isEqualTo("{\"status\":\"DEGRADED\",\"checks\":{\"database\":\"UP\",\"reports\":\"DEGRADED\"}}");
        assertThat(HttpEndpoints.healthJson(false, true, Map.of("database", false), warnings))
                .startsWith("{\"status\":\"DOWN\"");
        assertThat(HttpEndpoints.healthJson(true, false, checks, Map.of("reports", true)))
                .startsWith("{\"status\":\"UP\"");
    }
}
