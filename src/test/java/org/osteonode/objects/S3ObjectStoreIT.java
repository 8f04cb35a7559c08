package org.osteonode.objects;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.testing.S3Endpoint;
import org.osteonode.testing.Ports;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The {@link ObjectStore} contract against a real S3 endpoint: s3proxy in this JVM, with AWS Signature V4 and
 * fixed test credentials, keeping its buckets as directories (jclouds' filesystem provider), where a test can
 * alter an object behind the server's back.
 */
class S3ObjectStoreIT extends ObjectStoreContract {
    private static final String ACCESS_KEY = S3Endpoint.ACCESS_KEY;
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    @TempDir
    static Path buckets;
    private static S3Endpoint s3;
    private static URI endpoint;

    private String bucket;

    @BeforeAll
    static void startS3proxy() throws Exception {
        s3 = S3Endpoint.start(buckets);
        endpoint = s3.uri();
    }

    @AfterAll
    static void stopS3proxy() throws Exception {
        s3.close();
    }

    @Override
    ObjectStore newStore() {
        bucket = "bucket-" + BUCKETS.incrementAndGet();
        s3.createBucket(bucket);
        return new S3ObjectStore(settings(endpoint, bucket));
    }

    private S3ObjectStore.Settings settings(URI endpoint, String bucket) {
        return S3ObjectStore.Settings.of(endpoint, "us-east-1", bucket, ACCESS_KEY, S3Endpoint.SECRET_KEY)
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(30))
                .withListPageSize(listPageSize());
    }

    @Override
    void flipAByteAtRest(String key) throws Exception {
        flipMiddleByte(s3.file(bucket, key));
    }

    @Test
    void withServerSideEncryptionAnObjectStillRoundTrips() throws Exception {
        try (ObjectStore encrypted = new S3ObjectStore(settings(endpoint, bucket).withServerSideEncryption(true))) {
            ObjectStore.Stored put = encrypted.put("spool/sse.dcm", write("sse", "encrypted at rest"));

            assertThat(encrypted.get("spool/sse.dcm", temp.resolve("out"))).isEqualTo(put);
        }
    }

    @Test
    void anEndpointWhereNothingListensIsAClearIOExceptionAtOnce() {
        URI down = URI.create("http://127.0.0.1:" + Ports.free());
        try (ObjectStore unreachable = new S3ObjectStore(settings(down, bucket))) {
            long start = System.nanoTime();
            assertTimeoutPreemptively(Duration.ofSeconds(20), () ->
                    assertThatThrownBy(() -> unreachable.put("spool/a.dcm", write("a", "a")))
                            .isInstanceOf(IOException.class)
                            .hasMessageContaining("put 'spool/a.dcm' failed")
                            .hasMessageContaining("could not be reached or did not answer in time")
                            .hasMessageContaining(down.toString()));
            assertThatThrownBy(() -> unreachable.exists("spool/a.dcm")).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> unreachable.list("")).isInstanceOf(IOException.class);
            System.out.printf("endpoint down: put, exists, list failed in %d ms%n",
                    (System.nanoTime() - start) / 1_000_000);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anEndpointThatAcceptsAndNeverAnswersTimesOutRatherThanHangs() throws Exception {
        List<Socket> held = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // accepted, never read, never answered
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            URI silentEndpoint = URI.create("http://127.0.0.1:" + silent.getLocalPort());
            try (ObjectStore store = new S3ObjectStore(settings(silentEndpoint, bucket))) {
                long start = System.nanoTime();
                assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
                        assertThatThrownBy(() -> store.get("spool/a.dcm", temp.resolve("out")))
                                .isInstanceOf(IOException.class)
                                .hasMessageContaining("could not be reached or did not answer in time"));
                long millis = (System.nanoTime() - start) / 1_000_000;
                System.out.printf("silent endpoint: get failed after %d ms (read timeout 2 s, with retries)%n",
                        millis);
                assertThat(millis).as("at least one read timeout passed").isGreaterThanOrEqualTo(2_000);
            }
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void aBucketThatDoesNotExistIsNamedInTheError() throws Exception {
        try (ObjectStore missing = new S3ObjectStore(settings(endpoint, "no-such-bucket"))) {
            assertThatThrownBy(() -> missing.list("spool/"))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("bucket 'no-such-bucket'")
                    .hasMessageContaining("does not exist");
            assertThatThrownBy(() -> missing.get("spool/a.dcm", temp.resolve("out")))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("does not exist");
            assertThat(missing.exists("spool/a.dcm")).as("a HEAD answer has no body to tell a bucket from a key")
                    .isFalse();
        }
    }

    @Test
    void wrongCredentialsAreRefusedAndTheErrorSaysWhichAccessKeyButNotTheSecret() throws Exception {
        S3ObjectStore.Settings wrong = S3ObjectStore.Settings.of(endpoint, "us-east-1", bucket, ACCESS_KEY,
                "not-the-secret");
        try (ObjectStore refused = new S3ObjectStore(wrong)) {
            assertThatThrownBy(() -> refused.put("spool/a.dcm", write("a", "a")))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("refused the credentials of access key '" + ACCESS_KEY + "'")
                    .hasMessageNotContaining("not-the-secret");
        }
        assertThat(wrong.toString()).contains(ACCESS_KEY).doesNotContain("not-the-secret");
    }
}
