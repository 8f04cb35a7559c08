package org.osteonode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.testing.Dcmtk;
import org.osteonode.testing.NodeProcess;
import org.osteonode.testing.OrthancProcess;
import org.osteonode.testing.Poll;
import org.osteonode.testing.Ports;
import org.osteonode.testing.SyntheticDicom;
import org.osteonode.testing.TestCertificates;
import org.osteonode.testing.TestCertificates.Pair;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DICOM TLS end to end, with dcmtk as the sending modality and Orthanc (dcmtk's TLS inside) as a PACS that accepts
 * reports over TLS only from a client with a certificate: the node serves TLS only (its plain port off), asks
 * every sender for a certificate from the hospital's CA, and takes a renewed certificate without a restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the renewal last: it changes the node's certificate
class DicomTlsIT {
    @TempDir
    static Path temp;
    TestCertificates certificates;
    Pair ca;
    Pair modality;
    Pair stranger;
    Path liveCertificate;
    Path liveKey;
    int tlsPort;
    OrthancProcess orthanc;
    NodeProcess node;

    @BeforeAll
    void start() throws Exception {
        certificates = new TestCertificates(temp.resolve("certs"));
        ca = certificates.authority("hospital-ca");
        Pair nodeIdentity = certificates.issue(ca, "osteonode", "localhost", "127.0.0.1");
        Pair pacs = certificates.issue(ca, "pacs", "localhost");
        modality = certificates.issue(ca, "modality");
        stranger = certificates.issue(certificates.authority("other-ca"), "stranger");
        Path live = Files.createDirectories(temp.resolve("live"));
        liveCertificate = Files.copy(nodeIdentity.certificate(), live.resolve("tls.crt"));
        liveKey = Files.copy(nodeIdentity.key(), live.resolve("tls.key"));

        orthanc = new OrthancProcess(temp.resolve("orthanc"))
                .withTls(pacs.certificate(), pacs.key(), ca.certificate(), true).start();
        tlsPort = Ports.free();
        node = new NodeProcess(temp.resolve("node"))
                .with("osteonode.dicom.port", "")
                .with("osteonode.dicom.tls-port", Integer.toString(tlsPort))
                .with("osteonode.dicom.tls-cert-file", liveCertificate.toString())
                .with("osteonode.dicom.tls-key-file", liveKey.toString())
                .with("osteonode.dicom.tls-client-ca-file", ca.certificate().toString())
                .with("osteonode.pacs.host", "localhost")
                .with("osteonode.pacs.port", Integer.toString(orthanc.dicomPort()))
                .with("osteonode.pacs.ae-title", OrthancProcess.AE_TITLE)
                .with("osteonode.pacs.tls", "true")
                .with("osteonode.pacs.tls-ca-file", ca.certificate().toString())
                .with("osteonode.study.stable-seconds", "2")
                .start();
    }

    @AfterAll
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (orthanc != null) {
            orthanc.close();
        }
    }

    private Dcmtk.Result store(Path file, String... tlsOptions) throws Exception {
        List<String> command = new ArrayList<>(List.of("storescu", "-v", "-aet", "STORESCU", "-aec", "OSTEONODE"));
        command.addAll(List.of(tlsOptions));
        command.addAll(List.of("localhost", Integer.toString(tlsPort), file.toString()));
        return Dcmtk.run(command);
    }

    private Dcmtk.Result echo(int port, String... tlsOptions) throws Exception {
        List<String> command = new ArrayList<>(List.of("echoscu", "-v", "-aet", "STORESCU", "-aec", "OSTEONODE"));
        command.addAll(List.of(tlsOptions));
        command.addAll(List.of("localhost", Integer.toString(port)));
        return Dcmtk.run(command);
    }

    private String[] withCertificate(Pair client, Path trusted) {
        return new String[] {"+tls", client.key().toString(), client.certificate().toString(), "+cf", trusted.toString()};
    }

    @Test
    @Order(1)
    void aModalityWithATrustedCertificateIsServedAndTheReportReachesAPacsThatRequiresTls() throws Exception {
        String study = SyntheticDicom.newUid();
        Path image = SyntheticDicom.radiograph().patient("MRN9101", "TLS^PATIENT").study(study)
                .write(temp.resolve("lumbar.dcm"));

        Dcmtk.Result sent = store(image, withCertificate(modality, ca.certificate()));

        assertThat(sent.successes()).as(sent.output()).isEqualTo(1);
        Poll.until(Duration.ofSeconds(60), "the report in Orthanc, sent over TLS", () -> orthanc.sopInstanceUids().size() == 1);
        assertThat(orthanc.instancesOfModality("SR")).hasSize(1);
        assertThat(node.log()).contains("tls_client=\"CN=modality\"");
        assertThat(node.log()).doesNotContain("MRN9101").doesNotContain("TLS^PATIENT");
    }

    @Test
    @Order(2)
    void noCertificateOneFromAnotherCaAndPlainDicomAreRefusedAndTheNodeStaysHealthy() throws Exception {
        Path image = SyntheticDicom.radiograph().write(temp.resolve("refused.dcm"));
        double refusedBefore = metric("osteonode_associations_rejected_total", "reason=\"tls-handshake\"");

        Dcmtk.Result anonymous = store(image, "+tla", "+cf", ca.certificate().toString());
        Dcmtk.Result untrusted = store(image, withCertificate(stranger, ca.certificate()));
        Dcmtk.Result plainOnTheTlsPort = echo(tlsPort);
        Dcmtk.Result plainPort = echo(node.dicomPort());

        assertThat(anonymous.successes()).as(anonymous.output()).isZero();
        assertThat(anonymous.exitCode()).isNotZero();
        assertThat(untrusted.successes()).as(untrusted.output()).isZero();
        assertThat(untrusted.exitCode()).isNotZero();
        assertThat(plainOnTheTlsPort.exitCode()).as(plainOnTheTlsPort.output()).isNotZero();
        assertThat(plainPort.exitCode()).as("the plain port is off").isNotZero();
        assertThat(metric("osteonode_associations_rejected_total", "reason=\"tls-handshake\"") - refusedBefore)
                .isGreaterThanOrEqualTo(3);
        assertThat(node.log()).contains("reason=tls-handshake");
        assertThat(node.health().statusCode()).isEqualTo(200);
        assertThat(echo(tlsPort, withCertificate(modality, ca.certificate())).exitCode()).isZero();
    }

    @Test
    @Order(3)
    void aRenewedCertificateIsServedWithoutARestartAndSighupReadsTheFilesAgain() throws Exception {
        Pair renewingCa = certificates.authority("renewing-ca");
        Pair renewed = certificates.issue(renewingCa, "osteonode-renewed", "localhost");
        assertThat(echo(tlsPort, withCertificate(modality, renewingCa.certificate())).exitCode())
                .as("the old certificate is not from the renewing CA").isNotZero();
        double reloads = metric("osteonode_tls_reloads");

        Files.copy(renewed.key(), liveKey, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(renewed.certificate(), liveCertificate, StandardCopyOption.REPLACE_EXISTING);

        Poll.until(Duration.ofSeconds(30), "the renewed certificate in use",
                () -> echo(tlsPort, withCertificate(modality, renewingCa.certificate())).exitCode() == 0);
        assertThat(metric("osteonode_tls_reloads")).isGreaterThan(reloads);
        assertThat(metric("osteonode_tls_certificate_expiry_seconds")).isBetween(29 * 86400.0, 31 * 86400.0);

        double beforeHangUp = metric("osteonode_tls_reloads");
        node.signal("HUP");
        Poll.until(Duration.ofSeconds(10), "SIGHUP to reload", () -> metric("osteonode_tls_reloads") > beforeHangUp);
        assertThat(node.health().statusCode()).isEqualTo(200);
    }

    private double metric(String name) throws Exception {
        return metric(name, "");
    }

    /** The value of the series of {@code name} whose labels contain {@code label}; 0 when there is none yet. */
    private double metric(String name, String label) throws Exception {
        return node.metrics().lines()
                .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{") && line.contains(label))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElse(0);
    }
}
