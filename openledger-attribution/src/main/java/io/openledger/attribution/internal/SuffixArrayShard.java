package io.openledger.attribution.internal;

import io.openledger.attribution.CorpusRecord;
import io.openledger.attribution.IndexFormatException;
import io.openledger.core.contract.DatanetVersionRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One datanet version's token stream and suffix array, in a file memory-mapped through FFM.
 *
 * <p>File layout (little-endian), in the spirit of infini-gram's {@code tokenized}/{@code table}/
 * {@code offset} files but in one file:
 *
 * <pre>
 *   0  8 bytes  magic "OLSAIDX1"
 *   8  int64    n: tokens in the stream, one separator (-1) after every record included
 *  16  int64    d: records
 *  24  32 bytes SHA-256 fingerprint of the version ref and the records' ids and lengths
 *  56  int64    reserved, 0
 *  64  n x int32    the token stream
 *      pad to 8
 *      n x int64    the suffix array (64-bit positions)
 *      d x int64    the stream position where each record starts
 * </pre>
 *
 * Every record is followed by the separator, which compares below every token and never matches, so
 * no match crosses a record boundary. The build holds the stream in Java arrays, so one shard holds
 * fewer than 2^31 - 1 tokens; the format and all queries use 64-bit positions, and a corpus larger
 * than that is several shards. Thread-safe once opened.
 */
public final class SuffixArrayShard implements AutoCloseable {
    static final byte[] MAGIC = "OLSAIDX1".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER = 64;
    static final int SEPARATOR = -1;
    private static final int CHUNK = 1 << 16;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path file;
    private final Arena arena;
    private final MemorySegment seg;
    private final long n;
    private final long docs;
    private final long saOffset;
    private final long docOffset;
    private final Map<Integer, long[]> tokenRanges = new ConcurrentHashMap<>();

    private SuffixArrayShard(Path file, Arena arena, MemorySegment seg, long n, long docs) {
        this.file = file;
        this.arena = arena;
        this.seg = seg;
        this.n = n;
        this.docs = docs;
        this.saOffset = align8(HEADER + 4 * n);
        this.docOffset = saOffset + 8 * n;
    }

    private static long align8(long x) {
        return (x + 7) & ~7L;
    }

    /** The fingerprint a shard of {@code records} in {@code version} carries. */
    public static byte[] fingerprint(DatanetVersionRef version, List<CorpusRecord> records) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update((version.datanet().value() + "@" + version.version() + "#" + version.root())
                    .getBytes(StandardCharsets.UTF_8));
            for (CorpusRecord r : records) {
                md.update((byte) 0);
                md.update(r.id().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(Integer.toString(r.length()).getBytes(StandardCharsets.US_ASCII));
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /**
     * Builds the shard file for {@code records} at {@code file}: writes a temporary file, then moves
     * it into place, so a crash never leaves a partial shard under the final name.
     *
     * @throws IllegalArgumentException if the records hold 2^31 - 2 tokens or more
     * @throws UncheckedIOException if the file cannot be written
     */
    public static void build(DatanetVersionRef version, List<CorpusRecord> records, Path file) {
        long total = 0;
        for (CorpusRecord r : records) {
            total += r.length() + 1L;
        }
        if (total >= Integer.MAX_VALUE - 1) {
            throw new IllegalArgumentException(
                    "datanet version " + version.datanet() + "@" + version.version() + " has " + total
                            + " tokens with separators; one shard holds fewer than " + (Integer.MAX_VALUE - 1));
        }
        int n = (int) total;
        // the stream, then one slot for the sentinel that SA-IS needs
        int[] s = new int[n + 1];
        long[] docStarts = new long[records.size()];
        int p = 0;
        for (int d = 0; d < records.size(); d++) {
            CorpusRecord r = records.get(d);
            docStarts[d] = p;
            for (int i = 0, len = r.length(); i < len; i++) {
                s[p++] = r.tokenAt(i);
            }
            s[p++] = SEPARATOR;
        }
        int[] tokenOf = rankInPlace(s, n);
        // sa[0] is the sentinel's suffix; the file holds sa[1..n]
        int[] sa = Sais.suffixArray(s, tokenOf.length);
        write(file, s, tokenOf, sa, docStarts, fingerprint(version, records));
    }

    /** The suffix array of a stream of tokens (>= 0) and separators (-1), as sorted by {@link #compare}. */
    static int[] buildSuffixArray(int[] text) {
        int n = text.length;
        int[] s = Arrays.copyOf(text, n + 1);
        int[] tokenOf = rankInPlace(s, n);
        return Arrays.copyOfRange(Sais.suffixArray(s, tokenOf.length), 1, n + 1);
    }

    /**
     * Replaces the tokens (>= 0) and separators (-1) of {@code s[0, n)} by dense ranks that keep their
     * order (separator 1, tokens from 2) and puts the sentinel 0 at {@code s[n]}, so that SA-IS sorts
     * the stream exactly as {@link #compare} does with small bucket arrays however sparse the token
     * ids are. Returns the inverse: the token (or separator) of each rank; its length is the alphabet
     * size.
     */
    static int[] rankInPlace(int[] s, int n) {
        // one pass: the largest id, and which ids below 2^24 occur
        long[] present = new long[64];
        int max = -1;
        for (int i = 0; i < n; i++) {
            int t = s[i];
            max = Math.max(max, t);
            if (t >= 0 && t < (1 << 24)) {
                if ((t >>> 6) >= present.length) {
                    present = Arrays.copyOf(present, Math.max((t >>> 6) + 1, Math.min(2 * present.length, 1 << 18)));
                }
                present[t >>> 6] |= 1L << t;
            }
        }
        int[] tokenOf;
        if (max < (1 << 24)) {
            int[] rank = new int[max + 1];
            int next = 2;
            for (int w = 0; w <= (max >> 6); w++) {
                for (long bits = present[w]; bits != 0; bits &= bits - 1) {
                    rank[(w << 6) + Long.numberOfTrailingZeros(bits)] = next++;
                }
            }
            tokenOf = new int[next];
            for (int t = 0; t <= max; t++) {
                if (rank[t] != 0) {
                    tokenOf[rank[t]] = t;
                }
            }
            for (int i = 0; i < n; i++) {
                int t = s[i];
                s[i] = t < 0 ? 1 : rank[t];
            }
        } else {
            int count = 0;
            for (int i = 0; i < n; i++) {
                if (s[i] >= 0) {
                    count++;
                }
            }
            int[] sorted = new int[count];
            for (int i = 0, j = 0; i < n; i++) {
                if (s[i] >= 0) {
                    sorted[j++] = s[i];
                }
            }
            Arrays.sort(sorted);
            int distinct = 0;
            for (int i = 0; i < count; i++) {
                if (i == 0 || sorted[i] != sorted[i - 1]) {
                    sorted[distinct++] = sorted[i];
                }
            }
            tokenOf = new int[distinct + 2];
            System.arraycopy(sorted, 0, tokenOf, 2, distinct);
            for (int i = 0; i < n; i++) {
                int t = s[i];
                s[i] = t < 0 ? 1 : Arrays.binarySearch(sorted, 0, distinct, t) + 2;
            }
        }
        tokenOf[1] = SEPARATOR;
        s[n] = 0;
        return tokenOf;
    }

    // s holds the ranked stream (tokenOf maps it back), sa the sentinel suffix first, then the n
    // suffixes the file stores. The file is written sequentially through one native buffer rather
    // than through a writable mapping: no page fault per 4 KiB page, one bulk copy per chunk.
    private static void write(Path file, int[] s, int[] tokenOf, int[] sa, long[] docStarts, byte[] fingerprint) {
        int n = s.length - 1;
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (FileChannel ch = FileChannel.open(
                            tmp,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.TRUNCATE_EXISTING,
                            StandardOpenOption.WRITE);
                    Arena a = Arena.ofConfined()) {
                MemorySegment buf = a.allocate(8L * CHUNK, 8);
                MemorySegment.copy(MemorySegment.ofArray(MAGIC), 0, buf, 0, 8);
                buf.set(LONG, 8, n);
                buf.set(LONG, 16, docStarts.length);
                MemorySegment.copy(MemorySegment.ofArray(fingerprint), 0, buf, 24, 32);
                buf.set(LONG, 56, 0);
                writeFully(ch, buf, HEADER);
                int[] tokens = new int[Math.min(n, CHUNK)];
                for (int from = 0; from < n; from += CHUNK) {
                    int len = Math.min(CHUNK, n - from);
                    for (int i = 0; i < len; i++) {
                        tokens[i] = tokenOf[s[from + i]];
                    }
                    MemorySegment.copy(tokens, 0, buf, INT, 0, len);
                    writeFully(ch, buf, 4L * len);
                }
                long pad = align8(HEADER + 4L * n) - (HEADER + 4L * n);
                buf.asSlice(0, 8).fill((byte) 0);
                writeFully(ch, buf, pad);
                long[] positions = new long[Math.min(n, CHUNK)];
                for (int from = 0; from < n; from += CHUNK) {
                    int len = Math.min(CHUNK, n - from);
                    for (int i = 0; i < len; i++) {
                        positions[i] = sa[from + i + 1];
                    }
                    MemorySegment.copy(positions, 0, buf, LONG, 0, len);
                    writeFully(ch, buf, 8L * len);
                }
                for (int from = 0; from < docStarts.length; from += CHUNK) {
                    int len = Math.min(CHUNK, docStarts.length - from);
                    MemorySegment.copy(docStarts, from, buf, LONG, 0, len);
                    writeFully(ch, buf, 8L * len);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write suffix-array shard " + file, e);
        }
    }

    private static void writeFully(FileChannel ch, MemorySegment buf, long bytes) throws IOException {
        ByteBuffer bb = buf.asSlice(0, bytes).asByteBuffer();
        while (bb.hasRemaining()) {
            ch.write(bb);
        }
    }

    /**
     * Maps a shard file read-only.
     *
     * @throws IndexFormatException if the file is not a well-formed shard
     * @throws UncheckedIOException if it cannot be read
     */
    public static SuffixArrayShard open(Path file) {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER) {
                throw new IndexFormatException(file + ": " + size + " bytes is shorter than the 64-byte header");
            }
            MemorySegment m = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            byte[] magic = m.asSlice(0, 8).toArray(ValueLayout.JAVA_BYTE);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IndexFormatException(file + ": bad magic, not an OLSAIDX1 shard");
            }
            long n = m.get(LONG, 8);
            long d = m.get(LONG, 16);
            if (n < 0 || d < 0 || d > n || n > (Long.MAX_VALUE - HEADER) / 16) {
                throw new IndexFormatException(file + ": header counts n=" + n + " d=" + d + " are impossible");
            }
            long expected = align8(HEADER + 4 * n) + 8 * n + 8 * d;
            if (size != expected) {
                throw new IndexFormatException(
                        file + ": size " + size + " differs from the " + expected + " bytes the header implies");
            }
            return new SuffixArrayShard(file, arena, m, n, d);
        } catch (IOException e) {
            arena.close();
            throw new UncheckedIOException("cannot map suffix-array shard " + file, e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** The fingerprint stored in the header. */
    public byte[] storedFingerprint() {
        return seg.asSlice(24, 32).toArray(ValueLayout.JAVA_BYTE);
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /** Bytes of the file. */
    public long bytes() {
        return seg.byteSize();
    }

    /** Tokens in the stream, separators included. */
    public long streamLength() {
        return n;
    }

    /** Tokens in the stream, separators excluded. */
    public long tokenCount() {
        return n - docs;
    }

    /** Records in the shard. */
    public long recordCount() {
        return docs;
    }

    /** The token at stream position {@code pos} (-1 for a separator). */
    public int token(long pos) {
        return seg.get(INT, HEADER + 4 * pos);
    }

    /** The stream position of the {@code i}-th smallest suffix. */
    public long suffix(long i) {
        return seg.get(LONG, saOffset + 8 * i);
    }

    /** The ordinal of the record holding stream position {@code pos}. */
    public int recordAt(long pos) {
        long lo = 0;
        long hi = docs - 1;
        while (lo < hi) {
            long mid = (lo + hi + 1) >>> 1;
            if (seg.get(LONG, docOffset + 8 * mid) <= pos) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return (int) lo;
    }

    /** The stream position where record {@code ordinal} starts. */
    public long recordStart(int ordinal) {
        return seg.get(LONG, docOffset + 8L * ordinal);
    }

    /**
     * Compares the suffix at {@code pos} with {@code q[off, off+len)} on at most {@code len} tokens:
     * negative if the suffix is smaller, 0 if it starts with the query.
     */
    int compare(long pos, int[] q, int off, int len) {
        for (int j = 0; j < len; j++) {
            int t = token(pos + j);
            int c = q[off + j];
            if (t != c) {
                return t < c ? -1 : 1;
            }
        }
        return 0;
    }

    /**
     * The range {@code [lo, hi)} of suffix-array indices whose suffixes start with {@code q[off,
     * off+len)}; {@code lo == hi} if none. Two binary searches.
     */
    public long[] find(int[] q, int off, int len) {
        return findWithin(q, off, len, 0, n);
    }

    /**
     * Like {@link #find} but searching only {@code [from, to)}, which must contain the whole answer
     * (for example the range of the query's first token).
     */
    public long[] findWithin(int[] q, int off, int len, long from, long to) {
        long lo = from;
        long hi = to;
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            if (compare(suffix(mid), q, off, len) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        long start = lo;
        hi = to;
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            if (compare(suffix(mid), q, off, len) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return new long[] {start, lo};
    }

    /**
     * Narrows a range whose suffixes share a prefix of {@code depth} tokens (no separator among them)
     * to those whose next token is {@code token}.
     */
    public long[] narrow(long lo, long hi, int depth, int token) {
        long a = lo;
        long b = hi;
        while (a < b) {
            long mid = (a + b) >>> 1;
            if (token(suffix(mid) + depth) < token) {
                a = mid + 1;
            } else {
                b = mid;
            }
        }
        long start = a;
        b = hi;
        while (a < b) {
            long mid = (a + b) >>> 1;
            if (token(suffix(mid) + depth) <= token) {
                a = mid + 1;
            } else {
                b = mid;
            }
        }
        return new long[] {start, a};
    }

    /**
     * The suffix-array range of the single token {@code token}, cached: every search for an output
     * position starts here, so later queries skip the widest binary search. The cache holds at most
     * one entry per distinct token queried.
     */
    public long[] tokenRange(int token) {
        return tokenRanges.computeIfAbsent(token, t -> find(new int[] {t}, 0, 1));
    }

    /** Occurrences of the single token {@code token}. */
    public long unigramCount(int token) {
        long[] r = tokenRange(token);
        return r[1] - r[0];
    }

    /** Unmaps the file; later calls fail. */
    @Override
    public void close() {
        arena.close();
    }
}
