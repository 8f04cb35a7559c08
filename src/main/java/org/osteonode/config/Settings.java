package org.osteonode.config;


import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** Everything osteonode reads from its configuration, validated and immutable. */
public record Settings(
        Dicom dicom,
        Tls tls,
        int httpPort,
        Path dataDir,
        DatabaseConnection database,
        long spoolMinFreeBytes,
        Processing pipeline,
        Path secretFile,
        DeidOptions deid,
        Research research,
        Pacs pacs,
        Delivery outbox,
        Inference inference,
        Clinical clinical,
        Cluster cluster,
        Duration shutdownGrace,
        String logLevel) {

    /**
     * The DICOM Application Entity that PACSs send to.
     *
     * @param port    the plain DICOM port; 0: off
     * @param tlsPort the DICOM TLS port (PS3.15 Annex B); 0: off
     */
    public record Dicom(
            String aeTitle,
            int port,
            int tlsPort,
            CallingAeTitles allowedCallingAeTitles,
            int maxAssociations,
            int maxPduLength,
            long maxObjectBytes,
            Duration timeout) {
    }

    /**
     * PEM files of the node's TLS identity (certificate chain and PKCS#8 key, for the TLS port and for a PACS that
     * asks the node for a certificate) and of the CAs it trusts: for client certificates on the TLS port (none
     * given: no client certificate is asked for) and for the PACS's certificate (none given: the JDK's CAs).
     */
    public record Tls(Optional<Path> certificateFile, Optional<Path> keyFile, Optional<Path> clientCaFile,
            Optional<Path> pacsCaFile) {
    }

    /** Which calling AE titles may open an association: a list, any ({@code *}), or none (empty). */
    public record CallingAeTitles(Set<String> titles, boolean any) {
        public boolean allows(String callingAeTitle) {
            return any || titles.contains(callingAeTitle);
        }
    }

    /** An empty url means: run the embedded PostgreSQL under {@code data-dir/db}. */
    public record DatabaseConnection(String url, String user, String password) {
        public boolean embedded() {
            return url.isEmpty();
        }

        @Override
        public String toString() {
            return "DatabaseConnection[url=" + url + ", user=" + user + ", password=***]";
        }
    }

    /** Where Structured Reports go; an empty host turns delivery off (reports wait in the outbox). */
    public record Pacs(String aeTitle, String host, int port, boolean tls) {
        public boolean enabled() {
            return !host.isEmpty();
        }
    }

    /** How often a report is tried before it is dead-lettered, and the first wait (it doubles, up to an hour). */
    public record Delivery(int maxAttempts, Duration firstRetry) {
    }

    /**
     * The clinical path: which body parts are screened (names of the body-part vocabulary, upper case), how old a study may be (by Study Date; zero: any age),
     * and how long a study must be quiet before its report.
     */
    /**
     * What may enter the research archive ({@code osteonode.research.*}); an empty set means any.
     *
     * @param bodyParts names of the body-part vocabulary, checked by the research path
     */
    public record Research(Set<String> modalities, Set<String> bodyParts, Set<String> sopClasses) {
    }

    /**
     * @param decoderTimeout     a child decoder (JPEG-LS, 12-bit JPEG) still running after this is killed
     * @param decoderMemoryBytes a child decoder's address space limit
     */
    public record Clinical(Set<String> bodyParts, int maxStudyAgeDays, Duration stable,
            Duration retention, Duration decoderTimeout, long decoderMemoryBytes) {
    }

    /**
     * The two paths from the spool: how many objects each holds in memory (the rest wait in the spool), their
     * workers, and how failures are retried.
     *
     * @param staleAfter an object waiting in the spool longer than this is reported (WARN, and the gauge
     *                   osteonode_spool_oldest_seconds shows it all the time)
     */
    public record Processing(int queueSize, int researchWorkers, int clinicalWorkers, int maxAttempts,
            Duration retryDelay, Duration staleAfter) {
    }

    /**
     * The clinical path's model and how it runs.
     *
     * @param modelDir  holds model.onnx and model.json
     * @param batchSize images per ONNX Runtime call at most
     * @param maxWait   how long the batcher waits for more images once it has one
     */
    public record Inference(Path modelDir, ProviderRequest provider, int batchSize, Duration maxWait) {
    }

    /** Received objects, identified, until every path has processed them. */
    /**
     * Cluster mode (docs/scale-out.md): several nodes share Kafka (the references), two S3-compatible buckets (the
     * bytes) and one external PostgreSQL. Off: {@link #enabled} is false and the rest is empty.
     *
     * @param clientProperties Kafka client settings (TLS, SASL) read from a properties file; empty: plaintext
     * @param s3Endpoint       the S3 service's URL; empty: AWS S3, found from the region
     */
    public record Cluster(boolean enabled, String bootstrapServers, String topic, java.util.Map<String, String> clientProperties,
            Optional<java.net.URI> s3Endpoint, String s3Region, String phiBucket, String deidBucket,
            String accessKeyId, String secretAccessKey, boolean serverSideEncryption) {
        /** Without the secret access key: settings end up in log lines. */
        @Override
        public String toString() {
            return "Cluster[enabled=" + enabled + ", bootstrapServers=" + bootstrapServers + ", topic=" + topic
                    + ", s3Endpoint=" + s3Endpoint.map(Object::toString).orElse("aws") + ", s3Region=" + s3Region
                    + ", phiBucket=" + phiBucket + ", deidBucket=" + deidBucket + ", accessKeyId=" + accessKeyId
                    + ", secretAccessKey=***]";
        }
    }

    public Path spoolDir() {
        return dataDir.resolve("spool");
    }

    public Path quarantineDir() {
        return dataDir.resolve("quarantine");
    }

    /** De-identified objects, one file each, under pseudonymous folders, and nothing else. */
    public Path archiveDir() {
        return dataDir.resolve("archive");
    }

    /** Files being written, outside the archive so that it never holds a partial object. */
    public Path scratchDir() {
        return dataDir.resolve("tmp");
    }

    /** Reports waiting for the PACS: identified data, like the spool. */
    public Path outboxDir() {
        return dataDir.resolve("outbox");
    }

    /** Identified references of scored images, until their study's report is made. */
    public Path clinicalDir() {
        return dataDir.resolve("clinical");
    }

    /** Child decoders' private folders (identified pixels while they run), emptied at start. */
    public Path decodingDir() {
        return dataDir.resolve("decoding");
    }

    public Path databaseDir() {
        return dataDir.resolve("db");
    }
}
