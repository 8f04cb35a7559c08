package org.osteonode.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.testing.Poll;
import org.osteonode.testing.Ports;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Debian's PostgreSQL as the node's supervised child, on a real server. */
class LocalPostgresIT {
    @TempDir
    Path temp;

    @Test
    void aNewClusterIsDurableLoopbackOnlyAndNeedsItsPassword() throws Exception {
        Path cluster = temp.resolve("db");
        try (LocalPostgres postgres = LocalPostgres.start(cluster, 0);
             Connection connection = postgres.connect("postgres");
             var statement = connection.createStatement()) {
            for (String setting : List.of("fsync", "synchronous_commit", "full_page_writes")) {
                try (var row = statement.executeQuery("show " + setting)) {
                    row.next();
                    assertThat(row.getString(1)).as(setting).isEqualTo("on");
                }
            }
            try (var row = statement.executeQuery("show listen_addresses")) {
                row.next();
                assertThat(row.getString(1)).isEqualTo("127.0.0.1");
            }
            assertThat(Files.getPosixFilePermissions(cluster.resolve("osteonode.password")))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThatThrownBy(() -> DriverManager.getConnection(postgres.jdbcUrl("postgres"), "postgres", "wrong"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
        }
        assertThat(temp.resolve("db.initdb")).doesNotExist();
        assertThat(temp.resolve("db.initdb-password")).doesNotExist();
    }

    @Test
    void killedWithSigkillTheServerIsStartedAgainAndKeepsWhatWasCommitted() throws Exception {
        try (LocalPostgres postgres = LocalPostgres.start(temp.resolve("db"), 0)) {
            try (Connection connection = postgres.connect("postgres"); var statement = connection.createStatement()) {
                statement.execute("create table kept (n int)");
                statement.execute("insert into kept values (42)");
            }
            long first = postgres.pid();
            ProcessHandle.of(first).orElseThrow().destroyForcibly();

            Poll.until(Duration.ofSeconds(10), "the death noticed", () -> !postgres.isRunning() || postgres.pid() != first);
            Poll.until(Duration.ofSeconds(60), "the server started again",
                    () -> postgres.isRunning() && postgres.pid() != first);
            assertThat(postgres.restarts()).isEqualTo(1);
            try (Connection connection = postgres.connect("postgres");
                 var row = connection.createStatement().executeQuery("select n from kept")) {
                assertThat(row.next()).isTrue();
                assertThat(row.getInt(1)).isEqualTo(42);
            }
        }
    }

    @Test
    void stoppedByTheNodeItStaysStopped() throws Exception {
        LocalPostgres postgres = LocalPostgres.start(temp.resolve("db"), 0);
        long pid = postgres.pid();
        postgres.close();

        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        Thread.sleep(1_500); // longer than the first restart pause: nothing may start it again
        assertThat(postgres.isRunning()).isFalse();
        assertThat(Files.exists(temp.resolve("db/postmaster.pid"))).isFalse();
    }

    @Test
    void aServerLeftRunningByAKilledNodeIsStoppedAndTheClusterReopened() throws Exception {
        Path cluster = temp.resolve("db");
        LocalPostgres.start(cluster, 0).close();
        // As after kill -9 of the node: its server runs on, adopted by init, holding postmaster.pid.
        Path bin = LocalPostgres.newestServer(LocalPostgres.DEBIAN_SERVERS).orElseThrow();
        new ProcessBuilder("sh", "-c", "'" + bin.resolve("postgres") + "' -D '" + cluster + "' -p " + Ports.free()
                + " -c listen_addresses=127.0.0.1 -c unix_socket_directories= >'" + temp.resolve("orphan.log")
                + "' 2>&1 &").start().waitFor();
        Poll.until(Duration.ofSeconds(30), "the orphan ready", () -> Files.exists(cluster.resolve("postmaster.pid"))
                && Files.readString(cluster.resolve("postmaster.pid")).contains("ready"));
        ProcessHandle orphan = ProcessHandle.of(Long.parseLong(
                Files.readAllLines(cluster.resolve("postmaster.pid")).get(0).trim())).orElseThrow();

        try (LocalPostgres postgres = LocalPostgres.start(cluster, 0)) {
            assertThat(orphan.isAlive()).isFalse();
            assertThat(postgres.pid()).isNotEqualTo(orphan.pid());
            assertThat(postgres.isRunning()).isTrue();
        } finally {
            orphan.destroyForcibly();
        }
    }

    @Test
    void aRunningNodesServerIsNeverStoppedByAnotherStartButCommandsUseIt() throws Exception {
        Path cluster = temp.resolve("db");
        try (LocalPostgres node = LocalPostgres.start(cluster, 0)) {
            assertThatThrownBy(() -> LocalPostgres.start(cluster, 0))
                    .hasMessageContaining("is in use by another osteonode process");

            try (LocalPostgres command = LocalPostgres.attachOrStart(cluster);
                 Connection connection = command.connect("postgres")) {
                assertThat(command.pid()).isEqualTo(node.pid());
                assertThat(connection.isValid(2)).isTrue();
            }
            assertThat(node.isRunning()).as("the command left the node's server running").isTrue();
        }
    }

    @Test
    void withNoNodeRunningACommandStartsAServerOfItsOwnAndStopsIt() throws Exception {
        Path cluster = temp.resolve("db");
        LocalPostgres.start(cluster, 0).close();

        long pid;
        try (LocalPostgres command = LocalPostgres.attachOrStart(cluster)) {
            pid = command.pid();
            assertThat(command.isRunning()).isTrue();
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void aFolderThatIsNotAClusterIsRefusedNotOverwritten() throws Exception {
        Path cluster = Files.createDirectories(temp.resolve("db"));
        Files.writeString(cluster.resolve("notes.txt"), "someone's file");

        assertThatThrownBy(() -> LocalPostgres.start(cluster, 0))
                .hasMessageContaining("is not empty but holds no PostgreSQL cluster");
        assertThat(cluster.resolve("notes.txt")).hasContent("someone's file");
    }
}
