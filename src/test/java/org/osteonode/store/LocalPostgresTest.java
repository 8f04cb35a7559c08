package org.osteonode.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalPostgresTest {
    @TempDir
    Path temp;

    @Test
    void theNewestInstalledMajorVersionIsChosen() throws Exception {
        for (String version : new String[] {"9", "15", "13"}) {
            Path postgres = Files.createDirectories(temp.resolve(version + "/bin")).resolve("postgres");
            Files.writeString(postgres, "#!/bin/sh\n");
            postgres.toFile().setExecutable(true);
        }
        Files.createDirectories(temp.resolve("16/bin")); // a client-only version: no server binary
        Files.createDirectories(temp.resolve("common"));

        assertThat(LocalPostgres.newestServer(temp)).contains(temp.resolve("15/bin"));
    }

    @Test
    void aClusterKeepsTheVersionThatMadeItWhenANewerOneIsInstalledBeside() throws Exception {
        for (String version : new String[] {"15", "16"}) {
            Path postgres = Files.createDirectories(temp.resolve("servers/" + version + "/bin")).resolve("postgres");
            Files.writeString(postgres, "#!/bin/sh\n");
            postgres.toFile().setExecutable(true);
        }
        Path old = Files.createDirectories(temp.resolve("old"));
        Files.writeString(old.resolve("PG_VERSION"), "15\n");
        Path gone = Files.createDirectories(temp.resolve("gone"));
        Files.writeString(gone.resolve("PG_VERSION"), "13\n");

        assertThat(LocalPostgres.serverFor(old, temp.resolve("servers"))).contains(temp.resolve("servers/15/bin"));
        assertThat(LocalPostgres.serverFor(temp.resolve("new"), temp.resolve("servers"))).contains(temp.resolve("servers/16/bin"));
        assertThat(LocalPostgres.serverFor(gone, temp.resolve("servers")))
                .as("not installed: the newest, which then refuses it with what to do").contains(temp.resolve("servers/16/bin"));
    }

    @Test
    void noServerInstalledIsNoneNotAnError() throws Exception {
        assertThat(LocalPostgres.newestServer(temp.resolve("absent"))).isEmpty();
        assertThat(LocalPostgres.newestServer(temp)).isEmpty();
    }

    @Test
    void aClusterOfAnotherMajorVersionIsRefusedWithWhatToDo() throws Exception {
        Path cluster = Files.createDirectories(temp.resolve("db"));
        Files.writeString(cluster.resolve("PG_VERSION"), "17\n");

        assertThatThrownBy(() -> LocalPostgres.requireSameMajorVersion(cluster, Path.of("/usr/lib/postgresql/15/bin")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("PostgreSQL 17 cluster")
                .hasMessageContaining("PostgreSQL 15")
                .hasMessageContaining("Install postgresql-17")
                .hasMessageContaining("move the folder aside");
    }

    @Test
    void aClusterOfTheInstalledVersionIsAccepted() throws Exception {
        Path cluster = Files.createDirectories(temp.resolve("db"));
        Files.writeString(cluster.resolve("PG_VERSION"), "15\n");

        LocalPostgres.requireSameMajorVersion(cluster, Path.of("/usr/lib/postgresql/15/bin"));
    }

    @Test
    void restartsPauseLongerEachTimeUpToHalfAMinute() {
        assertThat(LocalPostgres.pauseBefore(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(LocalPostgres.pauseBefore(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(LocalPostgres.pauseBefore(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(LocalPostgres.pauseBefore(6)).isEqualTo(Duration.ofSeconds(30));
        assertThat(LocalPostgres.pauseBefore(1000)).isEqualTo(Duration.ofSeconds(30));
    }
}
