package org.osteonode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.ingest.Quarantine;
import org.osteonode.objects.S3ObjectStore;
import org.osteonode.observe.Metrics;
import org.osteonode.testing.Dcmtk;
import org.osteonode.testing.NodeProcess;
import org.osteonode.testing.S3Endpoint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/osteonode quarantine} as an operator runs it: in cluster mode on the PHI bucket, whatever node
 * quarantined the objects; on one node on its folder, as an older osteonode left it too.
 */
class QuarantineCommandIT {
    @TempDir
    static Path shared;
    private static S3Endpoint s3;

    @TempDir
    Path temp;

    @BeforeAll
    static void startS3proxy() throws Exception {
        s3 = S3Endpoint.start(Files.createDirectories(shared.resolve("s3")));
        s3.createBucket("phi");
    }

    @AfterAll
    static void stopS3proxy() throws Exception {
        s3.close();
    }

    @Test
    void inClusterModeItListsRetriesAndPurgesWhatEveryNodeQuarantined() throws Exception {
        try (S3ObjectStore phi = new S3ObjectStore(s3.settings("phi"))) {
            Quarantine first = new Quarantine(phi, "quarantine/", temp.resolve("first-scratch"), new Metrics());
            Quarantine second = new Quarantine(phi, "quarantine/", temp.resolve("second-scratch"), new Metrics());
            first.put(Files.writeString(temp.resolve("1700000000000-000001-00000001.dcm"), "first node's"),
                    "unparseable", "not DICOM");
            second.put(Files.writeString(temp.resolve("1700000000000-000001-00000002.dcm"), "second node's"),
                    "sop-class-mismatch", "SOP Class UID of the data set differs");
            Path third = temp.resolve("third");

            assertThat(NodeProcess.command(third, cluster(), "quarantine", "list"))
                    .contains("1700000000000-000001-00000001.dcm", "unparseable")
                    .contains("1700000000000-000001-00000002.dcm", "sop-class-mismatch")
                    .contains("2 object(s)");
            assertThat(NodeProcess.command(third, cluster(), "quarantine", "retry",
                    "1700000000000-000001-00000002.dcm"))
                    .contains("back in the spool: 1700000000000-000001-00000002.dcm");
            assertThat(third.resolve("spool/1700000000000-000001-00000002.dcm"))
                    .as("in the spool of the node that ran it")
                    .hasContent("second node's");
            assertThat(NodeProcess.command(third, cluster(), "quarantine", "purge", "--older-than", "0"))
                    .contains("purged: 1");
            assertThat(phi.list("quarantine/")).isEmpty();
            assertThat(third.resolve("quarantine")).as("nothing on this node's disk").doesNotExist();
        }
    }

    @Test
    void aNameThatIsNotOneFromTheListIsRefusedBeforeTheBucketIsAsked() throws Exception {
        Map<String, String> away = new LinkedHashMap<>(cluster());
        away.put("osteonode.cluster.s3.endpoint", "http://127.0.0.1:9"); // nothing listens: a request would fail

        Dcmtk.Result result = NodeProcess.run(temp, away, "quarantine", "retry", "../objects/SMITH^JOHN.dcm");

        assertThat(result.exitCode()).as(result.output()).isEqualTo(2);
        assertThat(result.output()).contains("not a quarantine name").doesNotContain("SMITH")
                .doesNotContainIgnoringCase("exception");
        assertThat(temp.resolve("spool")).doesNotExist();
    }

    @Test
    void aFolderAnOlderOsteonodeLeftIsAdoptedAndRetried() throws Exception {
        Path quarantine = Files.createDirectories(temp.resolve("quarantine"));
        Files.writeString(quarantine.resolve("1600000000000-000001.dcm"), "old");
        Files.writeString(quarantine.resolve("1600000000000-000001.dcm.reason"),
                "reason=unparseable\ndetail=not DICOM\nquarantined-at=2020-09-13T12:26:40Z\n");

        assertThat(NodeProcess.command(temp, "quarantine", "list"))
                .containsPattern("1600000000000-000001.dcm +unparseable +2020-09-13T12:26:40Z +3  not DICOM");
        assertThat(NodeProcess.command(temp, "quarantine", "retry", "1600000000000-000001.dcm"))
                .contains("back in the spool");
        assertThat(temp.resolve("spool/1600000000000-000001.dcm")).hasContent("old");
        assertThat(NodeProcess.command(temp, "quarantine", "list")).contains("0 object(s)");
    }

    private static Map<String, String> cluster() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("osteonode.db.url", "jdbc:postgresql://127.0.0.1:9/osteonode"); // not used by the command
        settings.put("osteonode.cluster.enabled", "true");
        settings.put("osteonode.cluster.kafka.bootstrap-servers", "127.0.0.1:9"); // not used by the command
        settings.put("osteonode.cluster.s3.endpoint", s3.uri().toString());
        settings.put("osteonode.cluster.s3.phi-bucket", "phi");
        settings.put("osteonode.cluster.s3.deid-bucket", "deid");
        settings.put("osteonode.cluster.s3.access-key-id", S3Endpoint.ACCESS_KEY);
        settings.put("osteonode.cluster.s3.secret-access-key", S3Endpoint.SECRET_KEY);
        return settings;
    }
}
