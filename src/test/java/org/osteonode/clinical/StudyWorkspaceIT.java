package org.osteonode.clinical;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.objects.ObjectStore;
import org.osteonode.testing.S3Endpoint;

import java.nio.file.Path;

/**
 * The workspace of cluster mode: the PHI bucket under {@code workspace/}, on a real S3 endpoint (s3proxy in this
 * JVM, as in {@code S3ObjectStoreIT}), shared by the two "nodes" of each test.
 */
class StudyWorkspaceIT extends StudyWorkspaceContract {
    @TempDir
    static Path buckets;
    private static S3Endpoint s3;

    @BeforeAll
    static void startS3proxy() throws Exception {
        s3 = S3Endpoint.start(buckets);
    }

    @AfterAll
    static void stopS3proxy() throws Exception {
        s3.close();
    }

    @Override
    ObjectStore newStore() {
        return s3.freshBucket();
    }

    @Override
    String keyPrefix() {
        return "workspace/";
    }
}
