package org.osteonode;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.objects.S3ObjectStore;
import org.osteonode.store.LocalPostgres;
import org.osteonode.testing.Dcmtk;
import org.osteonode.testing.Haproxy;
import org.osteonode.testing.KafkaBroker;
import org.osteonode.testing.NodeProcess;
import org.osteonode.testing.OrthancProcess;
import org.osteonode.testing.Poll;
import org.osteonode.testing.Ports;
import org.osteonode.testing.ReferencePseudonyms;
import org.osteonode.testing.S3Endpoint;
import org.osteonode.testing.SrReferences;
import org.osteonode.testing.SyntheticDicom;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14's promise, on one machine: three {@code serve} processes in cluster mode behind haproxy, sharing a KRaft
 * broker (its own JVM), an S3 endpoint (s3proxy on a directory), one PostgreSQL and Orthanc as the PACS. Thirty
 * studies of five images arrive over six parallel associations, each study's images on different associations and
 * so on different nodes; one node is killed (-9) right after the PACS's last acknowledgement, one while the paths
 * consume, one while it is sending a report; each is restarted. Then: every acknowledged object is archived and
 * labelled exactly once, every study has exactly one report in Orthanc naming all five images, the spools and the
 * PHI bucket are empty, and both consumer groups have read everything.
 */
class ClusterIT {
    private static final int STUDIES = 30;
    private static final int IMAGES = 5;
    private static final int ASSOCIATIONS = 6;

    @TempDir
    static Path temp;

    private static LocalPostgres database;
    private static KafkaBroker kafka;
    private static S3Endpoint s3;
    private static OrthancProcess orthanc;
    private static Haproxy haproxy;
    private static final List<NodeProcess> nodes = new ArrayList<>();

    @BeforeAll
    static void startTheCluster() throws Exception {
        database = LocalPostgres.start(temp.resolve("pg"), Ports.free());
        kafka = new KafkaBroker(temp.resolve("kafka")).start();
        s3 = S3Endpoint.start(Files.createDirectories(temp.resolve("s3")));
        s3.createBucket("phi");
        s3.createBucket("deid");
        orthanc = new OrthancProcess(temp.resolve("orthanc")).start();
        for (int i = 1; i <= 3; i++) {
            NodeProcess node = clusterNode(temp.resolve("node" + i));
            nodes.add(node);
            // one after the other: the first creates the site secret the others read, and the topic
            node.start();
        }
        haproxy = Haproxy.start(temp, nodes);
    }

    private static NodeProcess clusterNode(Path dataDir) {
        NodeProcess node = new NodeProcess(dataDir);
        clusterSettings().forEach(node::with);
        return node
                .with("osteonode.research.workers", "2")
                .with("osteonode.clinical.workers", "2")
                .with("osteonode.pacs.host", "localhost")
                .with("osteonode.pacs.port", Integer.toString(orthanc.dicomPort()))
                .with("osteonode.pacs.ae-title", OrthancProcess.AE_TITLE)
                // longer than a killed node's restart and its relay's backlog (under CI's load: 19 s to start and
                // 25 objects to relay): a study is not reported while one of its images waits in a down node's spool
                .with("osteonode.study.stable-seconds", "60")
                // the outbox lease is five of these: a dead sender's report is taken over after 25 s
                .with("osteonode.dicom.timeout-seconds", "5")
                .with("osteonode.outbox.retry-delay-seconds", "1");
    }

    /** What every node of the cluster shares, and what a command on any of them needs. */
    private static Map<String, String> clusterSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("osteonode.db.url", database.jdbcUrl("postgres"));
        settings.put("osteonode.db.user", database.user());
        settings.put("osteonode.db.password", database.password());
        settings.put("osteonode.deid.secret-file", temp.resolve("secret.key").toString());
        settings.put("osteonode.cluster.enabled", "true");
        settings.put("osteonode.cluster.kafka.bootstrap-servers", kafka.bootstrapServers());
        settings.put("osteonode.cluster.s3.endpoint", s3.uri().toString());
        settings.put("osteonode.cluster.s3.phi-bucket", "phi");
        settings.put("osteonode.cluster.s3.deid-bucket", "deid");
        settings.put("osteonode.cluster.s3.access-key-id", S3Endpoint.ACCESS_KEY);
        settings.put("osteonode.cluster.s3.secret-access-key", S3Endpoint.SECRET_KEY);
        return settings;
    }

    @AfterAll
    static void stopTheCluster() throws Exception {
        if (haproxy != null) {
            haproxy.close();
        }
        for (NodeProcess node : nodes) {
            node.close();
        }
        for (AutoCloseable closeable : new AutoCloseable[] {orthanc, s3, kafka, database}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Test
    void everyAcknowledgedObjectIsArchivedAndLabelledOnceAndEveryStudyReportedOnceThroughThreeKills() throws Exception {
        Map<String, List<Path>> studies = new LinkedHashMap<>();
        for (int s = 0; s < STUDIES; s++) {
            String study = SyntheticDicom.newUid();
            List<Path> images = new ArrayList<>();
            for (int i = 1; i <= IMAGES; i++) {
                images.add(SyntheticDicom.radiograph().patient("CLU" + s, "CLUSTER^PATIENT" + s).study(study)
                        .instance(i).write(temp.resolve("s" + s + "-" + i + ".dcm")));
            }
            studies.put(study, images);
        }
        List<String> studyUids = new ArrayList<>(studies.keySet());

        // 1. Half the studies; node 1 killed as soon as the PACS has its last Success: what it acknowledged and
        // had not relayed yet waits in its spool, and is relayed when it is back.
        send(studyUids.subList(0, STUDIES / 2), studies);
        NodeProcess first = nodes.get(0);
        first.kill();
        int inFirstSpool = first.spoolObjects().size();
        first.start();

        // 2. The PACS stops answering (its reports will wait); the other half; node 2 killed while the paths
        // consume what just arrived.
        orthanc.pause();
        send(studyUids.subList(STUDIES / 2, STUDIES), studies);
        NodeProcess second = nodes.get(1);
        second.kill();
        second.start();

        // 3. The node that holds a report's claim, sending it to the hung PACS, is killed; the PACS comes back.
        NodeProcess sender = Poll.value(Duration.ofSeconds(180), "a node to claim a report", ClusterIT::claimingNode);
        sender.kill();
        orthanc.resume();
        sender.start();

        ReferencePseudonyms pseudonyms = ReferencePseudonyms.fromSecretFile(temp.resolve("secret.key"));
        List<String> studyKeys = studyUids.stream().map(pseudonyms::uid).toList();
        String inStudies = studyKeys.stream().map(k -> "'" + k + "'").collect(Collectors.joining(",", "(", ")"));
        int objects = STUDIES * IMAGES;
        Poll.until(Duration.ofMinutes(5), "30 reports in Orthanc and both paths done with 150 objects", () ->
                orthanc.structuredReports().size() >= STUDIES
                        && count("select count(*) from instance where research_done and clinical_done and study_key in "
                        + inStudies) == objects);

        assertThat(count("select count(*) from instance where study_key in " + inStudies))
                .as("each acknowledged object recorded once").isEqualTo(objects);
        assertThat(count("select count(*) from image_label where study_key in " + inStudies))
                .as("each labelled once").isEqualTo(objects);
        try (S3ObjectStore deidentified = new S3ObjectStore(s3.settings("deid"));
             S3ObjectStore phi = new S3ObjectStore(s3.settings("phi"))) {
            assertThat(deidentified.list("").stream().filter(key -> key.endsWith(".dcm")))
                    .as("each archived once, in the de-identified bucket").hasSize(objects);
            Poll.until(Duration.ofSeconds(60), "the PHI bucket's received objects deleted",
                    () -> phi.list("objects/").isEmpty());
            assertThat(phi.list("quarantine/")).as("nothing quarantined, by any node").isEmpty();
        }

        Map<String, List<AttributeList>> reports = orthanc.structuredReports().stream()
                .collect(Collectors.groupingBy(report -> value(report, TagFromName.StudyInstanceUID)));
        assertThat(reports.keySet()).as("one report per study, in its study").containsExactlyInAnyOrderElementsOf(studyUids);
        for (String study : studyUids) {
            assertThat(reports.get(study)).as("exactly one report for a study").hasSize(1);
            List<String> sent = new ArrayList<>();
            for (Path image : studies.get(study)) {
                AttributeList header = new AttributeList();
                header.read(image.toString(), TagFromName.PixelData);
                sent.add(value(header, TagFromName.SOPInstanceUID));
            }
            assertThat(SrReferences.referencedInstances(reports.get(study).get(0)))
                    .as("the report names all five images").containsExactlyInAnyOrderElementsOf(sent);
        }
        assertThat(count("select count(*) from outbox where state <> 'sent'")).isZero();

        for (NodeProcess node : nodes) {
            assertThat(node.spoolObjects()).as("nothing left in a spool").isEmpty();
            assertThat(node.dataDir().resolve("quarantine")).as("a cluster node quarantines into the PHI bucket")
                    .doesNotExist();
        }
        assertThat(lag("research")).as("research consumer lag").isZero();
        assertThat(lag("clinical")).as("clinical consumer lag").isZero();

        // The data steward exports from any node: what the others de-identified comes from the bucket.
        Path export = temp.resolve("export");
        String output = NodeProcess.command(nodes.get(2).dataDir(), clusterSettings(), "export", "--out",
                export.toString(), "--seed", "1");
        assertThat(Files.readAllLines(export.resolve("labels.csv"))).as(output).hasSize(1 + objects);
        try (var images = Files.walk(export.resolve("images"))) {
            assertThat(images.filter(file -> file.toString().endsWith(".dcm"))).hasSize(objects);
        }
        System.out.printf("ClusterIT: node 1 had %d objects in its spool when killed; export: %s%n", inFirstSpool,
                output.lines().filter(line -> line.startsWith("fetched")).findFirst().orElse("?"));
    }

    /** Each study's images on different associations, the associations in parallel through the balancer. */
    private static void send(List<String> studyUids, Map<String, List<Path>> studies) throws Exception {
        List<List<Path>> associations = new ArrayList<>();
        for (int a = 0; a < ASSOCIATIONS; a++) {
            associations.add(new ArrayList<>());
        }
        for (int s = 0; s < studyUids.size(); s++) {
            List<Path> images = studies.get(studyUids.get(s));
            for (int i = 0; i < images.size(); i++) {
                associations.get((s + i) % ASSOCIATIONS).add(images.get(i));
            }
        }
        ExecutorService senders = Executors.newFixedThreadPool(ASSOCIATIONS);
        try {
            List<Future<Dcmtk.Result>> results = new ArrayList<>();
            for (List<Path> files : associations) {
                results.add(senders.submit(() -> Dcmtk.storescu(haproxy.port(), "STORESCU", files)));
            }
            for (int a = 0; a < ASSOCIATIONS; a++) {
                Dcmtk.Result result = results.get(a).get(5, TimeUnit.MINUTES);
                assertThat(result.successes()).as(result.output()).isEqualTo(associations.get(a).size());
            }
        } finally {
            senders.shutdownNow();
        }
    }

    /** The node whose claim on a report is live, by the node id its ready line printed; null if none. */
    private static NodeProcess claimingNode() throws Exception {
        String claimedBy = null;
        try (Connection connection = database.connect("postgres");
             ResultSet rows = connection.createStatement().executeQuery("select claimed_by from outbox "
                     + "where state = 'pending' and lease_until > now() limit 1")) {
            if (rows.next()) {
                claimedBy = rows.getString(1);
            }
        }
        if (claimedBy == null) {
            return null;
        }
        for (NodeProcess node : nodes) {
            List<String> ready = node.log().lines().filter(line -> line.contains("event=node.ready")).toList();
            if (!ready.isEmpty() && ready.get(ready.size() - 1).contains("node_id=" + claimedBy + " ")) {
                return node;
            }
        }
        return null;
    }

    private static long count(String sql) throws Exception {
        try (Connection connection = database.connect("postgres");
             ResultSet rows = connection.createStatement().executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** Records of the topic the group has not committed past, over all partitions. */
    private static long lag(String group) throws Exception {
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (var description : admin.describeTopics(List.of("osteonode.objects")).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get("osteonode.objects").partitions()) {
                latest.put(new TopicPartition("osteonode.objects", description.partition()), OffsetSpec.latest());
            }
            long lag = 0;
            for (var end : admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet()) {
                OffsetAndMetadata at = committed.get(end.getKey());
                lag += end.getValue().offset() - (at == null ? 0 : at.offset());
            }
            return lag;
        }
    }

    private static String value(AttributeList list, com.pixelmed.dicom.AttributeTag tag) {
        return com.pixelmed.dicom.Attribute.getSingleStringValueOrEmptyString(list, tag);
    }
}
