package org.osteonode.objects;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Objects in one bucket of an S3-compatible service (MinIO, Ceph RGW, AWS S3, s3proxy), through the AWS SDK for
 * Java v2 over the JDK's HTTP client.
 *
 * <p>A put sends the SHA-256 of the file as the request's {@code x-amz-checksum-sha256} (the server refuses bytes
 * that arrive altered) and records it, with the size, as the object's user metadata ({@code x-amz-meta-sha256},
 * {@code x-amz-meta-size}), which every S3-compatible server keeps; a get verifies the bytes it receives against
 * that record itself rather than trust a server's response checksum, which not every such server returns. The
 * file is read twice at put, once for the SHA-256 and once to send it: the checksum goes in a header, before the
 * body.
 *
 * <p>A server that does not know {@code x-amz-checksum-sha256} may refuse the put: s3proxy 2.7.0 answers 501 Not
 * Implemented unless it is told to ignore unknown headers (then it stores the object without checking that
 * checksum). MinIO and AWS S3 check it.
 *
 * <p>One PUT per object, so at most {@link ObjectStore#MAX_OBJECT_BYTES} (5 GiB); no multipart upload.
 */
public final class S3ObjectStore implements ObjectStore {
    static final String SHA256_METADATA = "sha256";
    static final String SIZE_METADATA = "size";

    /**
     * Where the bucket is and how to reach it.
     *
     * @param endpoint             the service's URL ({@code http://minio:9000}); null for AWS S3 itself, found from
     *                             the region
     * @param region               the region requests are signed for; {@code us-east-1} for most S3-compatible servers
     * @param pathStyle            {@code http://host/bucket/key} rather than {@code http://bucket.host/key}: what
     *                             MinIO, Ceph and s3proxy need unless their DNS has a name per bucket
     * @param serverSideEncryption asks the service to encrypt each object at rest with its own keys (SSE-S3:
     *                             {@code x-amz-server-side-encryption: AES256}); a service that cannot refuses the put.
     *                             Encryption with keys of our own (SSE-C, SSE-KMS) is not offered.
     * @param connectTimeout       how long to wait for a TCP connection
     * @param readTimeout          how long a response, or the next bytes of one, may keep us waiting: a service that
     *                             accepts a connection and says nothing fails after this, not never
     * @param attemptTimeout       the longest one request may take in all, transfer included: generous enough for
     *                             the largest object at the slowest link the node should accept
     * @param listPageSize         keys asked for per list request (S3 answers at most 1,000)
     */
    public record Settings(URI endpoint, String region, String bucket, String accessKeyId, String secretAccessKey,
                           boolean pathStyle, boolean serverSideEncryption, Duration connectTimeout,
                           Duration readTimeout, Duration attemptTimeout, int listPageSize) {
        public Settings {
            if (bucket == null || bucket.isBlank()) {
                throw new IllegalArgumentException("the S3 bucket is not set");
            }
            if (region == null || region.isBlank()) {
                throw new IllegalArgumentException("the S3 region is not set (us-east-1 suits most S3-compatible"
                        + " services)");
            }
            if (accessKeyId == null || accessKeyId.isBlank() || secretAccessKey == null || secretAccessKey.isEmpty()) {
                throw new IllegalArgumentException("the S3 access key id or secret access key is not set");
            }
            if (listPageSize < 1 || listPageSize > 1000) {
                throw new IllegalArgumentException("the list page size is " + listPageSize + "; S3 allows 1 to 1000");
            }
        }

        /** Path-style, no server-side encryption, timeouts of 5 s to connect, 30 s to read, 15 min per request. */
        public static Settings of(URI endpoint, String region, String bucket, String accessKeyId,
                                  String secretAccessKey) {
            return new Settings(endpoint, region, bucket, accessKeyId, secretAccessKey, true, false,
                    Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(15), 1000);
        }

        public Settings withServerSideEncryption(boolean on) {
            return new Settings(endpoint, region, bucket, accessKeyId, secretAccessKey, pathStyle, on,
                    connectTimeout, readTimeout, attemptTimeout, listPageSize);
        }

        public Settings withTimeouts(Duration connect, Duration read, Duration attempt) {
            return new Settings(endpoint, region, bucket, accessKeyId, secretAccessKey, pathStyle,
                    serverSideEncryption, connect, read, attempt, listPageSize);
        }

        public Settings withListPageSize(int keys) {
            return new Settings(endpoint, region, bucket, accessKeyId, secretAccessKey, pathStyle,
                    serverSideEncryption, connectTimeout, readTimeout, attemptTimeout, keys);
        }

        /** Without the secret: settings end up in log lines and exception messages. */
        @Override
        public String toString() {
            return "S3ObjectStore.Settings[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket
                    + ", accessKeyId=" + accessKeyId + ", secretAccessKey=***, pathStyle=" + pathStyle
                    + ", serverSideEncryption=" + serverSideEncryption + ", connectTimeout=" + connectTimeout
                    + ", readTimeout=" + readTimeout + ", attemptTimeout=" + attemptTimeout
                    + ", listPageSize=" + listPageSize + "]";
        }
    }

    private final Settings settings;
    private final SdkHttpClient http;
    private final S3Client s3;

    public S3ObjectStore(Settings settings) {
        this.settings = settings;
        this.http = UrlConnectionHttpClient.builder()
                .connectionTimeout(settings.connectTimeout())
                .socketTimeout(settings.readTimeout())
                .build();
        S3ClientBuilder builder = S3Client.builder()
                .httpClient(http)
                .region(Region.of(settings.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey())))
                .forcePathStyle(settings.pathStyle())
                // Checksums only where this class asks for them (the put's SHA-256): the SDK's own default CRCs on
                // every request and response are headers that not every S3-compatible server knows, and the get
                // verifies the SHA-256 itself.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallAttemptTimeout(settings.attemptTimeout())
                        .build());
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        this.s3 = builder.build();
    }

    @Override
    public Stored put(String key, Path file) throws IOException {
        ObjectKey.check(key);
        long size = ObjectStore.checkSize(key, Files.size(file));
        byte[] sha256 = Transfers.sha256(file);
        String hex = Transfers.hex(sha256);
        PutObjectRequest.Builder request = PutObjectRequest.builder()
                .bucket(settings.bucket())
                .key(key)
                .contentLength(size)
                .checksumAlgorithm(ChecksumAlgorithm.SHA256)
                .checksumSHA256(Base64.getEncoder().encodeToString(sha256))
                .metadata(Map.of(SHA256_METADATA, hex, SIZE_METADATA, Long.toString(size)));
        if (settings.serverSideEncryption()) {
            request.serverSideEncryption(ServerSideEncryption.AES256);
        }
        try {
            s3.putObject(request.build(), RequestBody.fromFile(file));
        } catch (SdkException e) {
            throw failure("put", key, e);
        }
        return new Stored(key, size, hex);
    }

    @Override
    public Stored get(String key, Path target) throws IOException {
        ObjectKey.check(key);
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(request -> request
                .bucket(settings.bucket()).key(key))) {
            Map<String, String> metadata = in.response().metadata();
            String sha256 = metadata.get(SHA256_METADATA);
            long size = parseSize(metadata.get(SIZE_METADATA));
            return Transfers.receive(key, in, sha256 == null || size < 0 ? null : sha256, size, target);
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException(key, null, "no object under this key in bucket '" + settings.bucket() + "'");
        } catch (SdkException e) {
            throw failure("get", key, e);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        ObjectKey.check(key);
        try {
            s3.deleteObject(request -> request.bucket(settings.bucket()).key(key));
        } catch (SdkException e) {
            throw failure("delete", key, e);
        }
    }

    /**
     * A missing bucket reads as no object here: a HEAD answer has no body to say which of the two is missing. Put,
     * get and list name it.
     */
    @Override
    public boolean exists(String key) throws IOException {
        ObjectKey.check(key);
        try {
            s3.headObject(request -> request.bucket(settings.bucket()).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && !isNoSuchBucket(e)) {
                return false; // a HEAD answer has no body, so no error code: 404 is the key
            }
            throw failure("exists", key, e);
        } catch (SdkException e) {
            throw failure("exists", key, e);
        }
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        ObjectKey.checkPrefix(prefix);
        List<String> keys = new ArrayList<>();
        try {
            ListObjectsV2Request request = ListObjectsV2Request.builder()
                    .bucket(settings.bucket())
                    .prefix(prefix.isEmpty() ? null : prefix)
                    .maxKeys(settings.listPageSize())
                    .build();
            for (S3Object object : s3.listObjectsV2Paginator(request).contents()) {
                // a key ending in '/' is a folder marker (a console's "create folder", or a server that lists its
                // directories, as jclouds' filesystem back end does), never an object of ours: no key ends so
                if (!object.key().endsWith("/")) {
                    keys.add(object.key());
                }
            }
        } catch (SdkException e) {
            throw failure("list", prefix, e);
        }
        keys.sort(null);
        return keys;
    }

    @Override
    public void close() {
        s3.close();
        http.close(); // given to the builder, so not closed with the client
    }

    private static long parseSize(String size) {
        return size != null && size.matches("[0-9]{1,19}") ? Long.parseLong(size) : -1;
    }

    private static boolean isNoSuchBucket(S3Exception e) {
        return e.awsErrorDetails() != null && "NoSuchBucket".equals(e.awsErrorDetails().errorCode());
    }

    /** One place that says what an SDK failure means and what to do about it. */
    private IOException failure(String action, String key, SdkException e) {
        String where = "bucket '" + settings.bucket() + "' at "
                + (settings.endpoint() == null ? "AWS S3 (" + settings.region() + ")" : settings.endpoint());
        String message;
        if (e instanceof S3Exception s3e) {
            int status = s3e.statusCode();
            String code = s3e.awsErrorDetails() == null ? null : s3e.awsErrorDetails().errorCode();
            if (isNoSuchBucket(s3e)) {
                message = where + " does not exist; create it, or correct the bucket name";
            } else if (status == 403) {
                message = where + " refused the credentials of access key '" + settings.accessKeyId() + "' ("
                        + code + "); check the access key, the secret and the bucket policy";
            } else {
                message = where + " answered HTTP " + status + (code == null ? "" : " " + code);
            }
        } else if (e instanceof SdkClientException) {
            message = where + " could not be reached or did not answer in time (" + e.getMessage()
                    + "); check that the service runs and the endpoint is right";
        } else {
            message = where + ": " + e.getMessage();
        }
        return new IOException(action + " '" + key + "' failed: " + message, e);
    }
}
