package org.osteonode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.store.LocalPostgres;
import org.osteonode.testing.Dcmtk;
import org.osteonode.testing.NodeProcess;
import org.osteonode.testing.Poll;
import org.osteonode.testing.Ports;
import org.osteonode.testing.SyntheticDicom;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** osteonode on a PostgreSQL server of its own (osteonode.db.url), and that server going away. */
class ExternalDatabaseIT {
    @TempDir
    Path temp;

    private final int port = Ports.free();
    private LocalPostgres server;

    @Test
    void recordsGoToTheConfiguredServerAndAnOutageIsWaitedOutWithoutQuarantine() throws Exception {
        Path pgData = temp.resolve("pg");
        server = startServer(pgData);
        String study = SyntheticDicom.newUid();
        List<Path> before = images(study, 1, 3);
        List<Path> during = images(study, 4, 6);
        try (NodeProcess node = new NodeProcess(temp.resolve("node"))
                .with("osteonode.db.url", server.jdbcUrl("postgres"))
                .with("osteonode.db.user", server.user())
                .with("osteonode.db.password", server.password())
                .with("osteonode.pipeline.retry-delay-ms", "100")
                .start()) {
            String studyKey = node.pseudonymizer().uid(study);
            assertThat(Dcmtk.storescu(node.dicomPort(), "STORESCU", before).successes()).isEqualTo(3);
            Poll.until(Duration.ofSeconds(30), "3 recorded on the server", () -> recorded(studyKey) == 3);
            assertThat(node.dataDir().resolve("db")).doesNotExist();

            server.close();
            Dcmtk.Result sentDuringOutage = Dcmtk.storescu(node.dicomPort(), "STORESCU", during);
            assertThat(sentDuringOutage.successes()).as("the spool is durable without the database").isEqualTo(3);
            Poll.until(Duration.ofSeconds(30), "/health to report the outage",
                    () -> node.health().statusCode() == 503);
            // 30 s down, well past the 4 attempts of osteonode.pipeline.max-attempts and the 30 s back-off cap: an
            // outage must not quarantine, and the node must come back by itself.
            assertQuarantineStaysEmpty(node, Duration.ofSeconds(30));

            server = startServer(pgData);
            Poll.until(Duration.ofSeconds(90), "all 6 recorded after the server came back",
                    () -> recorded(studyKey) == 6);
            Poll.until(Duration.ofSeconds(30), "the spool released", () -> node.spoolObjects().isEmpty());
            assertQuarantineStaysEmpty(node, Duration.ZERO);

            // the data steward's export reads the same server
            Path export = temp.resolve("export");
            NodeProcess.command(node.dataDir(), java.util.Map.of("osteonode.db.url", server.jdbcUrl("postgres"),
                    "osteonode.db.user", server.user(), "osteonode.db.password", server.password()),
                    "export", "--out", export.toString(), "--seed", "1");
            assertThat(Files.readAllLines(export.resolve("labels.csv"))).hasSize(1 + 6);
            assertThat(node.dataDir().resolve("db")).as("no embedded database started").doesNotExist();
        } finally {
            server.close();
        }
    }

    @Test
    void aNodeWhoseSiteSecretIsNotTheDatabasesIsRefusedNamingTheSettingAndJoinsWithTheSameSecret() throws Exception {
        server = startServer(temp.resolve("pg"));
        try (NodeProcess first = external(new NodeProcess(temp.resolve("first"))).start()) {
            NodeProcess other = external(new NodeProcess(temp.resolve("other")));

            assertThatThrownBy(other::start).hasMessageContaining("osteonode.deid.secret-file")
                    .hasMessageContaining("is not the one this database's pseudonyms were made with")
                    .hasMessageContaining("fingerprint " + org.osteonode.deid.Pseudonymizer.fromSecretFile(
                            first.dataDir().resolve("secret.key")).fingerprint());
            other.close();

            Files.copy(first.dataDir().resolve("secret.key"), other.dataDir().resolve("secret.key"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            try (NodeProcess joined = external(new NodeProcess(temp.resolve("other"))).start()) {
                assertThat(joined.health().statusCode()).isEqualTo(200);
            }
        } finally {
            server.close();
        }
    }

    private NodeProcess external(NodeProcess node) {
        return node.with("osteonode.db.url", server.jdbcUrl("postgres")).with("osteonode.db.user", server.user())
                .with("osteonode.db.password", server.password());
    }

    private LocalPostgres startServer(Path dataDir) throws Exception {
        return LocalPostgres.start(dataDir, port);
    }

    private List<Path> images(String study, int from, int to) throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            files.add(SyntheticDicom.radiograph().study(study).instance(i).write(temp.resolve("img" + i + ".dcm")));
        }
        return files;
    }

    private long recorded(String studyKey) throws Exception {
        try (Connection connection = server.connect("postgres");
             ResultSet result = connection.createStatement()
                     .executeQuery("select count(*) from instance where study_key = '" + studyKey + "'")) {
            result.next();
            return result.getLong(1);
        }
    }

    private static void assertQuarantineStaysEmpty(NodeProcess node, Duration period) throws Exception {
        long deadline = System.nanoTime() + period.toNanos();
        do {
            try (var files = Files.list(node.dataDir().resolve("quarantine"))) {
                assertThat(files).isEmpty();
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
    }
}
