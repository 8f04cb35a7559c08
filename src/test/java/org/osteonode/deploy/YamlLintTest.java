package org.osteonode.deploy;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The plain YAML files (the chart's Chart.yaml, values.yaml and ci/ values, docker/*.yaml, .yamllint.yaml itself)
 * pass Debian's yamllint with .yamllint.yaml, every warning an error. The chart's templates/ are Go templates,
 * not YAML: HelmChartTest checks what they render.
 */
class YamlLintTest {
    private static final Path CONFIG = Path.of(".yamllint.yaml");

    @Test
    void thePlainYamlFilesPassYamllintStrictly() throws Exception {
        List<String> files = plainYamlFiles();
        assertThat(files).contains("charts/osteonode/Chart.yaml", "charts/osteonode/values.yaml",
                "charts/osteonode/ci/tls-values.yaml", "charts/osteonode/ci/gpu-values.yaml",
                "charts/osteonode/ci/cluster-values.yaml", "docker/compose.yaml", "docker/compose.cluster.yaml",
                ".yamllint.yaml");

        Run run = yamllint(files, null);

        assertThat(run.exitCode()).as("yamllint --strict -c .yamllint.yaml %s:%n%s", files, run.output()).isZero();
    }

    @Test
    void theConfigurationIsStrictEnoughToRefuseCommonMistakes() throws Exception {
        String sloppy = "key: yes\nother:   value\nlist:\n- a\n";

        Run run = yamllint(List.of("-"), sloppy);

        assertThat(run.exitCode()).as(run.output()).isNotZero();
        assertThat(run.output()).contains("(document-start)", "(truthy)", "(colons)");
    }

    private static List<String> plainYamlFiles() throws IOException {
        List<String> files = new ArrayList<>();
        try (Stream<Path> charts = Files.list(Path.of("charts"))) {
            for (Path chart : charts.sorted().toList()) {
                files.add(chart.resolve("Chart.yaml").toString());
                files.add(chart.resolve("values.yaml").toString());
                files.addAll(yamlFilesIn(chart.resolve("ci")));
            }
        }
        files.addAll(yamlFilesIn(Path.of("docker")));
        files.add(CONFIG.toString());
        return files;
    }

    private static List<String> yamlFilesIn(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(Path::toString).filter(name -> name.endsWith(".yaml") || name.endsWith(".yml"))
                    .sorted().toList();
        }
    }

    private record Run(int exitCode, String output) {
    }

    private static Run yamllint(List<String> files, String stdin) throws Exception {
        List<String> command = new ArrayList<>(List.of(executable(), "--strict", "--format", "parsable",
                "--config-file", CONFIG.toString()));
        command.addAll(files);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("yamllint did not finish within 60 s");
        }
        return new Run(process.exitValue(), output);
    }

    private static String executable() {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(directory, "yamllint");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return fail("yamllint is not on the PATH: install the Debian package yamllint (bin/lib/setup.sh installs it "
                + "with the other test packages)");
    }
}
