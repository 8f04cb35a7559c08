package org.osteonode.delivery;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osteonode.objects.FileObjectStore;
import org.osteonode.observe.Metrics;
import org.osteonode.store.Database;
import org.osteonode.testing.Poll;
import org.osteonode.testing.SharedPostgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several nodes delivering from one outbox, on a real PostgreSQL: each item claimed by one node at a time, taken
 * over when its node dies mid-send, and the late word of a node that lost its claim ignored.
 */
class OutboxClaimsTest {
    /** Long enough that no claim in a test runs out unless the test waits for it to. */
    private static final Duration LONG_LEASE = Duration.ofHours(1);
    /** The lease of a node that is to die in the test: short, so that the test waits little for its end. */
    private static final Duration SHORT_LEASE = Duration.ofSeconds(2);

    @TempDir
    Path temp;

    private Database database;
    /** The store every node reads, as the PHI bucket is in a cluster. */
    private FileObjectStore files;

    @BeforeEach
    void open() throws Exception {
        database = SharedPostgres.freshDatabase(temp);
        files = new FileObjectStore(temp.resolve("outbox"));
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void twoNodesClaimingFromManyThreadsAtOnceClaimEveryItemExactlyOnce() throws Exception {
        int items = 400;
        Outbox a = node("node-a", LONG_LEASE);
        Outbox b = node("node-b", LONG_LEASE);
        for (int i = 0; i < items; i++) {
            a.enqueue("sr:study-" + i + ":1", report("report " + i));
        }
        int threadsPerNode = 8;
        ExecutorService threads = Executors.newFixedThreadPool(2 * threadsPerNode);
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<Map.Entry<String, Long>> claims = new ConcurrentLinkedQueue<>();
        List<Future<?>> claimers = new ArrayList<>();
        for (int t = 0; t < 2 * threadsPerNode; t++) {
            String name = t % 2 == 0 ? "node-a" : "node-b";
            Outbox outbox = t % 2 == 0 ? a : b;
            claimers.add(threads.submit(() -> {
                start.await();
                for (Optional<Outbox.Claim> claim = outbox.claimNext(0); claim.isPresent(); claim = outbox.claimNext(0)) {
                    claims.add(Map.entry(name, claim.get().item().id()));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> claimer : claimers) {
            claimer.get();
        }
        threads.shutdown();

        assertThat(claims).hasSize(items);
        assertThat(claims.stream().map(Map.Entry::getValue)).as("no item claimed twice").doesNotHaveDuplicates();
        Map<String, Long> perNode = claims.stream().collect(Collectors.groupingBy(Map.Entry::getKey,
                Collectors.counting()));
        assertThat(perNode).as("both nodes were claiming at once").containsOnlyKeys("node-a", "node-b");
        assertThat(single("select count(*) from outbox where lease_until > now()")).isEqualTo(Integer.toString(items));
        assertThat(single("select count(*) from outbox where claimed_by = 'node-a'"))
                .isEqualTo(Long.toString(perNode.get("node-a")));
        assertThat(a.due(items)).as("nothing left to claim while the leases last").isEmpty();
    }

    @Test
    void anItemWhoseNodeDiedMidSendIsClaimedByAnotherNodeOnceTheLeaseHasRunOut() throws Exception {
        Outbox dying = node("node-a", SHORT_LEASE);
        Outbox survivor = node("node-b", LONG_LEASE);
        dying.enqueue("sr:study:1", report("the report"));
        Outbox.Claim lost = dying.claimNext(0).orElseThrow();

        assertThat(survivor.claimNext(0)).as("not while node-a's lease lasts").isEmpty();

        Outbox.Claim taken = awaitClaim(survivor);
        assertThat(taken.item().id()).isEqualTo(lost.item().id());
        assertThat(Files.readString(survivor.fetch(taken.item()))).isEqualTo("the report");
        assertThat(single("select claimed_by || ' ' || state || ' ' || attempts from outbox"))
                .isEqualTo("node-b pending 0");
        assertThat(survivor.sent(taken)).isTrue();
        assertThat(single("select state || ' ' || attempts || ' ' || (lease_until is null) from outbox"))
                .isEqualTo("sent 1 true");
        assertThat(files.list("")).as("the object went with the sent row").isEmpty();
    }

    @Test
    void aLateWordFromANodeWhoseLeaseWasTakenOverChangesNothingOfTheNewOwners() throws Exception {
        Outbox slow = node("node-a", SHORT_LEASE);
        Outbox other = node("node-b", LONG_LEASE);
        slow.enqueue("sr:study:1", report("the report"));
        Outbox.Claim late = slow.claimNext(0).orElseThrow();
        Outbox.Claim taken = awaitClaim(other);

        assertThat(slow.sent(late)).as("node-a's send outlasted its lease").isFalse();
        assertThat(slow.failed(late, "node-a's PACS said no", Instant.now().plusSeconds(3600), true)).isFalse();

        assertThat(single("select claimed_by || ' ' || state || ' ' || attempts || ' ' || coalesce(last_error, '-') "
                + "|| ' ' || (lease_until is not null) from outbox")).isEqualTo("node-b pending 0 - true");
        assertThat(files.exists(taken.item().objectKey())).as("node-b may be sending it").isTrue();
        assertThat(other.failed(taken, "node-b's PACS said no", Instant.now(), false)).isTrue();
        assertThat(single("select claimed_by || ' ' || state || ' ' || attempts || ' ' || last_error from outbox"))
                .isEqualTo("node-b pending 1 node-b's PACS said no");
    }

    @Test
    void aNodeThatClaimsAnItemAgainAfterItsOwnLeaseRanOutIgnoresTheLateWordOfItsFirstClaim() throws Exception {
        Outbox node = node("node-a", SHORT_LEASE);
        node.enqueue("sr:study:1", report("the report"));
        Outbox.Claim first = node.claimNext(0).orElseThrow();
        Outbox.Claim second = awaitClaim(node);

        assertThat(second.leaseUntil()).isAfter(first.leaseUntil());
        assertThat(node.sent(first)).as("same node, but the item is the second claim's").isFalse();
        assertThat(files.exists(second.item().objectKey())).as("the lost claim's word kept it").isTrue();
        assertThat(node.sent(second)).isTrue();
        assertThat(files.exists(second.item().objectKey())).isFalse();
        assertThat(single("select state || ' ' || attempts from outbox")).isEqualTo("sent 1");
    }

    @Test
    void aDeliveryWhoseSendOutlastedItsLeaseLeavesTheItemToTheNodeThatTookItOver() throws Exception {
        Outbox slow = node("node-a", SHORT_LEASE);
        Outbox other = node("node-b", LONG_LEASE);
        slow.enqueue("sr:study:1", report("the report"));
        AtomicReference<Outbox.Claim> taken = new AtomicReference<>();
        Metrics metrics = new Metrics();
        // a PACS that answers node-a only after node-b has taken the item over
        OutboxDelivery delivery = new OutboxDelivery(slow, file -> taken.set(awaitClaim(other)), 3, Duration.ZERO,
                metrics);

        assertThat(delivery.deliverDue()).isZero();

        assertThat(metrics.count("osteonode.sr.sent")).as("counted by the node that records it").isZero();
        assertThat(single("select claimed_by || ' ' || state || ' ' || attempts from outbox"))
                .isEqualTo("node-b pending 0");
        assertThat(files.exists(taken.get().item().objectKey())).isTrue();
        assertThat(other.sent(taken.get())).isTrue();
    }

    private Outbox node(String id, Duration lease) {
        return new Outbox(database.dataSource(), files, "outbox/", temp.resolve("scratch-" + id), id, lease);
    }

    /** The node's next claim, polled for until a lease it waits for has run out. */
    private static Outbox.Claim awaitClaim(Outbox node) {
        AtomicReference<Outbox.Claim> claim = new AtomicReference<>();
        try {
            Poll.until(Duration.ofSeconds(30), "the lease to run out and the item to be claimed again", () -> {
                node.claimNext(0).ifPresent(claim::set);
                return claim.get() != null;
            });
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return claim.get();
    }

    private Path report(String content) throws Exception {
        return Files.writeString(Files.createTempFile(temp, "report-", ".dcm"), content);
    }

    private String single(String sql) throws Exception {
        try (Connection connection = database.dataSource().getConnection();
             ResultSet row = connection.createStatement().executeQuery(sql)) {
            row.next();
            return row.getString(1);
        }
    }
}
