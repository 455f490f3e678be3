package io.openledger.datanet;

import static org.assertj.core.api.Assertions.assertThat;

import io.openledger.core.Hash;
import io.openledger.core.crypto.PrivateKey;
import io.openledger.core.store.InMemoryKeyValueStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Many contributors and reviewers at once: nothing lost, nothing applied twice. */
class ConcurrencyTest {
    static final int CONTRIBUTORS = 12;
    static final int PER_CONTRIBUTOR = 6;

    @Test
    void manyThreadsContributingAndApprovingLeaveEveryRecordInExactlyOnePlace() throws Exception {
        DatanetService s = Fx.service(new InMemoryKeyValueStore());
        Fx.create(s);
        BlockingQueue<Hash> submitted = new LinkedBlockingQueue<>();
        Map<Hash, PrivateKey> owners = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(CONTRIBUTORS + 3);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> contributors = new ArrayList<>();
        for (int t = 0; t < CONTRIBUTORS; t++) {
            PrivateKey key = Fx.key(100 + t);
            int tt = t;
            contributors.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < PER_CONTRIBUTOR; i++) {
                    // shared paragraphs collide across contributors: only the first approval may own them
                    SourceFile f = Fx.txt(
                            "c" + tt + "-" + i + ".txt",
                            "own record " + tt + "/" + i,
                            "second own record " + tt + "/" + i,
                            "shared record " + (i % 3));
                    Contribution c = s.contribute(Fx.DN, key, List.of(f));
                    // drafting the same files again is idempotent
                    assertThat(s.contribute(Fx.DN, key, List.of(f)).id()).isEqualTo(c.id());
                    owners.put(c.id(), key);
                    submitted.add(c.id());
                }
                return null;
            }));
        }
        int total = CONTRIBUTORS * PER_CONTRIBUTOR;
        Set<Hash> reviewed = ConcurrentHashMap.newKeySet();
        List<Future<Integer>> reviewers = new ArrayList<>();
        for (var reviewer : List.of(Fx.OWNER, Fx.CURATOR, Fx.OWNER)) {
            reviewers.add(pool.submit(() -> {
                start.await();
                int approvedHere = 0;
                while (reviewed.size() < total) {
                    Hash id = submitted.poll(50, TimeUnit.MILLISECONDS);
                    if (id == null) {
                        continue;
                    }
                    reviewed.add(id);
                    if (id.bytes().getUnsigned(0) % 5 == 0) {
                        s.reject(Fx.DN, id, reviewer.address(), "not needed");
                    } else {
                        s.approve(Fx.DN, id, reviewer.address());
                        approvedHere++;
                    }
                }
                return approvedHere;
            }));
        }
        start.countDown();
        for (Future<?> f : contributors) {
            f.get(60, TimeUnit.SECONDS);
        }
        int approved = 0;
        for (Future<Integer> f : reviewers) {
            approved += f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        List<Contribution> all = s.contributions(Fx.DN);
        assertThat(all).hasSize(total);
        assertThat(all)
                .allSatisfy(c -> assertThat(c.status()).isIn(ContributionStatus.APPROVED, ContributionStatus.REJECTED));
        List<Contribution> approvedList = all.stream()
                .filter(c -> c.status() == ContributionStatus.APPROVED)
                .toList();
        assertThat(approvedList).hasSize(approved);

        // versions 1..approved, each from exactly one approved contribution, parents chained
        List<DatanetVersion> log = s.log(Fx.DN);
        assertThat(log).hasSize(approved);
        Set<Hash> versionSources = new HashSet<>();
        for (int i = 0; i < log.size(); i++) {
            assertThat(log.get(i).number()).isEqualTo(i + 1);
            assertThat(log.get(i).parent()).isEqualTo(i);
            versionSources.add(log.get(i).contribution().orElseThrow());
        }
        assertThat(versionSources)
                .containsExactlyInAnyOrderElementsOf(
                        approvedList.stream().map(Contribution::id).toList());

        // every record of the head was added by exactly one version, and each version's diff is its additions
        DatanetVersion head = s.head(Fx.DN).orElseThrow();
        Map<Hash, Long> addedIn = new HashMap<>();
        long sumAdded = 0;
        for (DatanetVersion v : log) {
            VersionDiff d = s.diff(Fx.DN, Math.max(1, v.number() - 1), v.number());
            List<Hash> added = v.number() == 1
                    ? s.records(Fx.DN, 1).stream().map(DataRecord::id).toList()
                    : d.added();
            assertThat(d.removed()).isEmpty();
            assertThat(added).hasSize((int) v.addedRecords());
            for (Hash r : added) {
                assertThat(addedIn.put(r, v.number()))
                        .as("record %s added twice", r)
                        .isNull();
            }
            sumAdded += v.addedRecords();
        }
        assertThat(sumAdded).isEqualTo(head.recordCount());
        assertThat(addedIn).hasSize((int) head.recordCount());

        // every record of every approved contribution is in the head; its owner is the contribution whose
        // version added it
        Map<Long, Contribution> contributionOfVersion = new HashMap<>();
        approvedList.forEach(c -> contributionOfVersion.put(c.resultingVersion().orElseThrow(), c));
        assertThat(contributionOfVersion).hasSize(approved);
        for (DataRecord r : s.records(Fx.DN, head.number())) {
            Contribution c = contributionOfVersion.get(addedIn.get(r.id()));
            assertThat(r.contributor()).isEqualTo(c.contributor());
            assertThat(c.records()).extracting(DataRecord::id).contains(r.id());
            assertThat(s.prove(Fx.DN, head.number(), r.id()).verify(head.root()))
                    .isTrue();
        }
        for (Contribution c : approvedList) {
            for (DataRecord r : c.records()) {
                assertThat(addedIn).containsKey(r.id());
            }
            assertThat(c.signatureValid()).isTrue();
            assertThat(c.contributor().address()).isEqualTo(owners.get(c.id()).address());
        }
    }
}
