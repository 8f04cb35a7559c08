package org.osteonode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.osteonode.testing.Dcmtk;
import org.osteonode.testing.DemoModel;
import org.osteonode.testing.NodeProcess;
import org.osteonode.testing.Poll;
import org.osteonode.testing.Ports;
import org.osteonode.testing.SyntheticDicom;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Start, configure, stop, restart: the node as an operator meets it. */
class LifecycleIT {
    @TempDir
    Path temp;

    @Test
    void sigtermStopsCleanlyAndTheEmbeddedDatabaseSurvivesARestart() throws Exception {
        Path dataDir = temp.resolve("node");
        SyntheticDicom image = SyntheticDicom.radiograph();
        Path file = image.write(temp.resolve("one.dcm"));
        String key;
        try (NodeProcess node = new NodeProcess(dataDir).start()) {
            key = node.pseudonymizer().uid(image.sopInstanceUid());
            assertThat(Dcmtk.storescu(node.dicomPort(), "STORESCU", List.of(file)).successes()).isEqualTo(1);
            Poll.until(Duration.ofSeconds(30), "recorded",
                    () -> node.count("select count(*) from instance where sop_instance_key = '" + key + "'") == 1);
            Poll.until(Duration.ofSeconds(30), "the spool released", () -> node.spoolObjects().isEmpty());

            int exitCode = node.stop();

            assertThat(exitCode).isEqualTo(143); // 128 + SIGTERM, after the shutdown hook ran
            assertThat(node.log()).contains("event=node.stopped");
            assertThat(dataDir.resolve("db/postmaster.pid")).as("embedded PostgreSQL stopped").doesNotExist();
        }
        try (NodeProcess restarted = new NodeProcess(dataDir).start()) {
            assertThat(restarted.count("select count(*) from instance where sop_instance_key = '" + key + "'"))
                    .isEqualTo(1);
            // The restarted node keys the same instance the same way (same secret file): a resend is known.
            assertThat(Dcmtk.storescu(restarted.dicomPort(), "STORESCU", List.of(file)).successes()).isEqualTo(1);
            Poll.until(Duration.ofSeconds(30), "the resend recognised after the restart", () -> restarted.count(
                    "select times_received from instance where sop_instance_key = '" + key + "'") == 2);
            assertThat(restarted.count("select count(*) from instance")).isEqualTo(1);
        }
    }

    @Test
    void sigtermLetsTheWorkInHandFinishBeforeTheDatabaseStops() throws Exception {
        // The embedded PostgreSQL must stop after the paths, not beside them in its own shutdown hook: else the
        // work in hand meets a closed database, waits out the grace period and is cut off.
        List<Path> files = new java.util.ArrayList<>();
        for (int i = 1; i <= 60; i++) {
            files.add(SyntheticDicom.radiograph().instance(i).size(512, 512).write(temp.resolve(i + ".dcm")));
        }
        try (NodeProcess node = new NodeProcess(temp.resolve("node")).start()) {
            assertThat(Dcmtk.storescu(node.dicomPort(), "STORESCU", files).successes()).isEqualTo(files.size());

            int exitCode = node.stop();

            assertThat(exitCode).isEqualTo(143);
            assertThat(node.log()).contains("event=node.stopped")
                    .doesNotContain("DatabaseUnavailableException")
                    .doesNotContain("connection has been closed")
                    .doesNotContain("Forcing the routes to be shutdown");
        }
    }

    @Test
    void aBadValueStopsStartUpWithAMessageNamingTheKey() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(NodeProcess.javaBinary(), "-cp",
                System.getProperty("java.class.path"), "org.osteonode.cli.Main", "serve").redirectErrorStream(true);
        builder.environment().put("OSTEONODE_DATA_DIR", temp.resolve("bad").toString());
        builder.environment().put("OSTEONODE_DICOM_PORT", "eleven");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(output).contains("configuration error").contains("osteonode.dicom.port").contains("eleven");
    }

    @Test
    void aModelCardWithoutMetricsStopsStartUpNamingTheFileAndTheField() throws Exception {
        Path model = DemoModel.copyTo(temp.resolve("model"));
        DemoModel.editCard(model, card -> card.remove("metrics"));

        Dcmtk.Result result = serve(model);

        assertThat(result.exitCode()).as(result.output()).isEqualTo(2);
        assertThat(result.output()).contains("configuration error")
                .contains(model.resolve("model.json") + ": field 'metrics' is missing");
    }

    @Test
    void aModelThatDoesNotReproduceItsReferenceOutputsStopsStartUp() throws Exception {
        Path model = DemoModel.copyTo(temp.resolve("model"));
        DemoModel.editReferenceOutputs(model, outputs -> ((ObjectNode) outputs.get("outputs").get(0))
                .put("probability", 0.5));

        Dcmtk.Result result = serve(model);

        assertThat(result.exitCode()).as(result.output()).isEqualTo(2);
        assertThat(result.output()).contains("configuration error")
                .contains("the model in " + model + " does not reproduce its reference outputs")
                .contains("pixel 0.1: the model gives 0.9832");
    }

    /** {@code serve} with the model in {@code model}, expected to stop by itself. */
    private Dcmtk.Result serve(Path model) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(NodeProcess.javaBinary(), "-cp",
                System.getProperty("java.class.path"), "org.osteonode.cli.Main", "serve").redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("OSTEONODE_"));
        builder.environment().put("OSTEONODE_DATA_DIR", temp.resolve("var").toString());
        builder.environment().put("OSTEONODE_DICOM_PORT", Integer.toString(Ports.free()));
        builder.environment().put("OSTEONODE_HTTP_PORT", Integer.toString(Ports.free()));
        builder.environment().put("OSTEONODE_INFERENCE_PROVIDER", "cpu");
        builder.environment().put("OSTEONODE_MODEL_DIR", model.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the node did not stop by itself:\n" + output);
        }
        return new Dcmtk.Result(process.exitValue(), output);
    }

    @Test
    void theReadmeFirstStudyWorksThroughTheLauncher() throws Exception {
        // bin/osteonode serve with the shipped conf/osteonode.properties; only ports and data directory moved.
        int dicomPort = Ports.free();
        int httpPort = Ports.free();
        ProcessBuilder builder = new ProcessBuilder("bin/osteonode", "serve").redirectErrorStream(true)
                .redirectOutput(temp.resolve("launcher.log").toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("OSTEONODE_"));
        builder.environment().put("OSTEONODE_DATA_DIR", temp.resolve("var").toString());
        builder.environment().put("OSTEONODE_DICOM_PORT", Integer.toString(dicomPort));
        builder.environment().put("OSTEONODE_HTTP_PORT", Integer.toString(httpPort));
        Process process = builder.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest health = HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + "/health")).build();
            Poll.until(Duration.ofSeconds(120), "bin/osteonode serve to be healthy", () -> {
                if (!process.isAlive()) {
                    throw new AssertionError(Files.readString(temp.resolve("launcher.log")));
                }
                return http.send(health, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            });
            Path study = SyntheticDicom.radiograph().write(temp.resolve("study/1.dcm"));

            assertThat(Dcmtk.echoscu(dicomPort, "STORESCU", "OSTEONODE").exitCode()).isZero();
            assertThat(Dcmtk.storescu(dicomPort, "STORESCU", List.of(study)).successes()).isEqualTo(1);
            HttpRequest metrics = HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + "/metrics")).build();
            Poll.until(Duration.ofSeconds(30), "the instance counted as recorded", () -> http
                    .send(metrics, HttpResponse.BodyHandlers.ofString()).body()
                    .contains("osteonode_instances_recorded_total 1.0"));
        } finally {
            process.destroy();
            process.waitFor(60, TimeUnit.SECONDS);
        }
    }
}
