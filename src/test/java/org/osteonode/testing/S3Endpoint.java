package org.osteonode.testing;

import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.osteonode.objects.S3ObjectStore;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/**
 * An S3 endpoint in the test JVM: s3proxy with AWS Signature V4 and fixed test credentials, keeping each bucket as a
 * directory (jclouds' filesystem provider), where a test can look at or alter an object behind the server's back.
 */
public final class S3Endpoint implements AutoCloseable {
    public static final String ACCESS_KEY = "osteonode-test";
    public static final String SECRET_KEY = "osteonode-test-secret";

    private final Path dir;
    private final BlobStoreContext blobStores;
    private final URI uri;
    private final S3Proxy s3proxy;
    private final java.util.concurrent.atomic.AtomicInteger freshBuckets = new java.util.concurrent.atomic.AtomicInteger();

    private S3Endpoint(Path dir) throws Exception {
        this.dir = dir;
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", dir.toString());
        blobStores = ContextBuilder.newBuilder("filesystem").credentials("unused", "unused")
                .overrides(properties).buildView(BlobStoreContext.class);
        uri = URI.create("http://127.0.0.1:" + Ports.free());
        s3proxy = S3Proxy.builder()
                .blobStore(blobStores.getBlobStore())
                .endpoint(uri)
                .awsAuthentication(AuthenticationType.AWS_V4, ACCESS_KEY, SECRET_KEY)
                // s3proxy 2.7.0 answers 501 to a header it does not know, x-amz-checksum-sha256 among them: it
                // stores the object without checking that checksum (the get's own verification still runs)
                .ignoreUnknownHeaders(true)
                .build();
    }

    /** Starts an endpoint whose buckets are directories under {@code dir}. */
    public static S3Endpoint start(Path dir) throws Exception {
        S3Endpoint endpoint = new S3Endpoint(dir);
        endpoint.s3proxy.start();
        Poll.until(Duration.ofSeconds(30), "s3proxy started",
                () -> AbstractLifeCycle.STARTED.equals(endpoint.s3proxy.getState()));
        return endpoint;
    }

    public URI uri() {
        return uri;
    }

    public void createBucket(String bucket) {
        blobStores.getBlobStore().createContainerInLocation(null, bucket);
    }

    /** A new, empty bucket of this endpoint, so that each test has its own; its store (the caller closes it). */
    public S3ObjectStore freshBucket() {
        String bucket = "bucket-" + freshBuckets.incrementAndGet();
        createBucket(bucket);
        return new S3ObjectStore(settings(bucket));
    }

    /** Settings for a bucket of this endpoint, with short timeouts: a test fails fast when it is away. */
    public S3ObjectStore.Settings settings(String bucket) {
        return S3ObjectStore.Settings.of(uri, "us-east-1", bucket, ACCESS_KEY, SECRET_KEY)
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(30));
    }

    /** Where the endpoint keeps an object's bytes. */
    public Path file(String bucket, String key) {
        return dir.resolve(bucket).resolve(key);
    }

    @Override
    public void close() throws Exception {
        s3proxy.stop();
        blobStores.close();
    }
}
