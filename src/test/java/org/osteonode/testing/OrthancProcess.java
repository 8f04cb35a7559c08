package org.osteonode.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Orthanc (Debian's package) as the receiving PACS of the tests: its own storage, ports and AE title. */
public final class OrthancProcess implements AutoCloseable {
    public static final String AE_TITLE = "ORTHANC";

    private final Path dir;
    private final int dicomPort;
    private final int httpPort;
    private Process process;
    private String tls = "";

    public OrthancProcess(Path dir) {
        this.dir = dir;
        this.dicomPort = Ports.free();
        this.httpPort = Ports.free();
    }

    public int dicomPort() {
        return dicomPort;
    }

    /**
     * DICOM TLS on Orthanc's DICOM port (Orthanc 1.9+, dcmtk's TLS): its certificate and key, the CAs whose
     * certificates it trusts, and whether a calling peer must show one.
     */
    public OrthancProcess withTls(Path certificate, Path key, Path trusted, boolean requireClientCertificate) {
        tls = """
                "DicomTlsEnabled": true, "DicomTlsCertificate": "%s", "DicomTlsPrivateKey": "%s",
                "DicomTlsTrustedCertificates": "%s", "DicomTlsRemoteCertificateRequired": %s,
                """.formatted(certificate, key, trusted, requireClientCertificate);
        return this;
    }

    public OrthancProcess start() throws Exception {
        Files.createDirectories(dir);
        Path config = dir.resolve("orthanc.json");
        Files.writeString(config, """
                { "Name": "osteonode-test", "StorageDirectory": "%s", "IndexDirectory": "%s",
                  "DicomAet": "%s", "DicomPort": %d, "HttpPort": %d, "RemoteAccessAllowed": false, %s
                  "AuthenticationEnabled": false, "DicomCheckCalledAet": true, "Plugins": [] }
                """.formatted(dir.resolve("storage"), dir.resolve("index"), AE_TITLE, dicomPort, httpPort, tls));
        process = new ProcessBuilder("Orthanc", config.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("orthanc.log").toFile())).start();
        Poll.until(Duration.ofSeconds(30), "Orthanc to answer", () -> get("/system").statusCode() == 200);
        return this;
    }

    /** SIGSTOP: a PACS that accepts connections and answers nothing (a hung server). */
    public void pause() throws Exception {
        Dcmtk.run(java.util.List.of("kill", "-STOP", Long.toString(process.pid())));
    }

    /** SIGCONT after {@link #pause}. */
    public void resume() throws Exception {
        Dcmtk.run(java.util.List.of("kill", "-CONT", Long.toString(process.pid())));
    }

    public void stop() throws Exception {
        process.destroy();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SOP Instance UIDs Orthanc holds. */
    public java.util.List<String> sopInstanceUids() throws Exception {
        JsonNode instances = new ObjectMapper().readTree(get("/instances?expand").body());
        java.util.List<String> uids = new java.util.ArrayList<>();
        instances.forEach(instance -> uids.add(instance.path("MainDicomTags").path("SOPInstanceUID").asText()));
        return uids;
    }

    /** The files of every instance in a series of this modality, as Orthanc stores them. */
    public java.util.List<byte[]> instancesOfModality(String modality) throws Exception {
        java.util.List<byte[]> files = new java.util.ArrayList<>();
        for (JsonNode series : new ObjectMapper().readTree(get("/series?expand").body())) {
            if (!series.path("MainDicomTags").path("Modality").asText().equals(modality)) {
                continue;
            }
            for (JsonNode instance : series.path("Instances")) {
                files.add(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort
                        + "/instances/" + instance.asText() + "/file")).build(), HttpResponse.BodyHandlers.ofByteArray())
                        .body());
            }
        }
        return files;
    }

    /** The file of one instance, by Orthanc's id of it (as {@code /changes} names it). */
    public byte[] file(String instanceId) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort
                + "/instances/" + instanceId + "/file")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body();
    }

    /** The Structured Reports Orthanc holds, parsed. */
    public java.util.List<com.pixelmed.dicom.AttributeList> structuredReports() throws Exception {
        java.util.List<com.pixelmed.dicom.AttributeList> reports = new java.util.ArrayList<>();
        for (byte[] bytes : instancesOfModality("SR")) {
            com.pixelmed.dicom.AttributeList report = new com.pixelmed.dicom.AttributeList();
            report.read(new com.pixelmed.dicom.DicomInputStream(new java.io.ByteArrayInputStream(bytes)));
            reports.add(report);
        }
        return reports;
    }

    public HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            stop();
        }
    }
}
