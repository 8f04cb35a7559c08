package org.osteonode;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.osteonode.testing.PhiScanner;
import org.osteonode.testing.PlantedPhi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * No PHI in any log line of the whole integration suite: after every other integration test (the suite orders
 * classes by {@code @Order}; this one last), every value those tests planted in the objects they made, patient names
 * and IDs and UIDs, is looked for in everything the suite logged: the nodes' logs, what bin/osteonode commands
 * printed, the container's log, and the output of the tests that run a node in-process.
 */
@Order(Integer.MAX_VALUE)
class LogPhiScanIT {
    private static final Path NODE_LOGS = Path.of("target", "node-logs");
    private static final Path IN_PROCESS_OUTPUT = Path.of("target", "failsafe-reports");

    @Test
    void noPlantedValueIsInAnyLogTheSuiteWrote() throws IOException {
        List<String> planted = PlantedPhi.values();
        assumeTrue(planted.size() >= 100, "run with the integration suite: alone there is nothing planted to look for");
        List<Path> logs = logs();
        assertThat(logs).as("the suite's logs").hasSizeGreaterThan(10);

        // the same matching as every other scan (a date inside a pseudonymous UID's digits is chance)
        List<String> leaks = PhiScanner.leaks(logs, planted, StandardCharsets.UTF_8);

        System.out.printf("scanned %d logs (%d MB) for %d planted values%n", logs.size(),
                logs.stream().mapToLong(LogPhiScanIT::size).sum() >> 20, planted.size());
        assertThat(leaks).isEmpty();
    }

    private static List<Path> logs() throws IOException {
        List<Path> logs = new ArrayList<>();
        if (Files.isDirectory(NODE_LOGS)) {
            try (Stream<Path> files = Files.walk(NODE_LOGS)) {
                files.filter(Files::isRegularFile).forEach(logs::add);
            }
        }
        if (Files.isDirectory(IN_PROCESS_OUTPUT)) {
            try (Stream<Path> files = Files.list(IN_PROCESS_OUTPUT)) {
                files.filter(f -> f.getFileName().toString().endsWith("-output.txt"))
                        .filter(f -> !f.getFileName().toString().contains(LogPhiScanIT.class.getSimpleName()))
                        .forEach(logs::add);
            }
        }
        return logs;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
