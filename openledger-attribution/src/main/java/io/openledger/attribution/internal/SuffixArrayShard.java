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
 * <p>File layout (little-endian, format 2), in the spirit of infini-gram's {@code tokenized}/{@code
 * table}/{@code offset} files (2-byte tokens, 5-byte pointers) but in one file and with widths fitted
 * to the shard:
 *
 * <pre>
 *   0  8 bytes  magic "OLSAIDX2"
 *   8  int64    n: tokens in the stream, one separator after every record included
 *  16  int64    d: records
 *  24  32 bytes SHA-256 fingerprint of the version ref and the records' ids and lengths
 *  56  uint8    t: bytes per token, 2, 3 or 4: the fewest whose all-ones value is above every token
 *               id; that value is the separator (read back as -1)
 *  57  uint8    p: bytes per position, 4 to 8: the fewest that hold n - 1
 *  58  6 bytes  reserved, 0
 *  64  n x t    the token stream
 *      n x p    the suffix array
 *      d x p    the stream position where each record starts
 *      8 bytes  zero, so that an 8-byte read at any entry stays inside the file
 * </pre>
 *
 * A shard whose tokens are below 65,535 takes 6 bytes a token (infini-gram's takes 7). Format 1
 * ({@code "OLSAIDX1"}: 8 reserved bytes at 56, then int32 tokens, padding to 8, int64 positions and
 * int64 record starts, no tail) is still read.
 *
 * <p>Every record is followed by the separator, which compares below every token and never matches,
 * so no match crosses a record boundary. The build holds the stream in Java arrays, so one shard
 * holds fewer than 2^31 - 1 tokens and its positions take 4 bytes; the format and all queries use
 * 64-bit positions, and a corpus larger than that is several shards. Thread-safe once opened.
 */
public final class SuffixArrayShard implements AutoCloseable {
    static final byte[] MAGIC = "OLSAIDX2".getBytes(StandardCharsets.US_ASCII);
    static final byte[] MAGIC_V1 = "OLSAIDX1".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER = 64;
    static final int SEPARATOR = -1;
    private static final int TAIL = 8;
    private static final int CHUNK = 1 << 16;
    private static final ValueLayout.OfShort SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path file;
    private final Arena arena;
    private final MemorySegment seg;
    private final long n;
    private final long docs;
    private final int tokenBytes;
    private final int positionBytes;
    private final long positionMask;
    private final long saOffset;
    private final long docOffset;
    private final Map<Integer, long[]> tokenRanges = new ConcurrentHashMap<>();

    private SuffixArrayShard(
            Path file, Arena arena, MemorySegment seg, long n, long docs, int tokenBytes, int positionBytes) {
        this.file = file;
        this.arena = arena;
        this.seg = seg;
        this.n = n;
        this.docs = docs;
        this.tokenBytes = tokenBytes;
        this.positionBytes = positionBytes;
        this.positionMask = positionBytes == 8 ? -1L : (1L << (8 * positionBytes)) - 1;
        this.saOffset = saOffset(n, tokenBytes, positionBytes);
        this.docOffset = saOffset + (long) positionBytes * n;
    }

    // format 1 (int32 tokens, int64 positions) aligned its suffix array to 8
    private static long saOffset(long n, int tokenBytes, int positionBytes) {
        long end = HEADER + (long) tokenBytes * n;
        return positionBytes == 8 && tokenBytes == 4 ? align8(end) : end;
    }

    private static long align8(long x) {
        return (x + 7) & ~7L;
    }

    /** Bytes per token for a stream whose largest token id is {@code maxToken} (-1 if none). */
    static int tokenWidth(int maxToken) {
        return maxToken < 0xFFFF ? 2 : maxToken < 0xFF_FFFF ? 3 : 4;
    }

    /** Bytes per position for a stream of {@code n} tokens. */
    static int positionWidth(long n) {
        int w = 4;
        while (w < 8 && n - 1 >= (1L << (8 * w))) {
            w++;
        }
        return w;
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
        // ranks keep the tokens' order, so the largest token has the last rank (rank 1 is the separator)
        int maxToken = tokenOf.length > 2 ? tokenOf[tokenOf.length - 1] : -1;
        write(file, s, tokenOf, sa, docStarts, fingerprint(version, records), tokenWidth(maxToken));
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
    private static void write(
            Path file, int[] s, int[] tokenOf, int[] sa, long[] docStarts, byte[] fingerprint, int tokenBytes) {
        int n = s.length - 1;
        int positionBytes = positionWidth(n); // 4: a shard holds fewer than 2^31 tokens
        int separator = tokenBytes == 4 ? -1 : (1 << (8 * tokenBytes)) - 1;
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
                buf.asSlice(0, HEADER).fill((byte) 0);
                MemorySegment.copy(MemorySegment.ofArray(MAGIC), 0, buf, 0, 8);
                buf.set(LONG, 8, n);
                buf.set(LONG, 16, docStarts.length);
                MemorySegment.copy(MemorySegment.ofArray(fingerprint), 0, buf, 24, 32);
                buf.set(ValueLayout.JAVA_BYTE, 56, (byte) tokenBytes);
                buf.set(ValueLayout.JAVA_BYTE, 57, (byte) positionBytes);
                writeFully(ch, buf, HEADER);
                for (int from = 0; from < n; from += CHUNK) {
                    int len = Math.min(CHUNK, n - from);
                    for (int i = 0; i < len; i++) {
                        int t = tokenOf[s[from + i]];
                        putUnsigned(buf, (long) i * tokenBytes, tokenBytes, t < 0 ? separator : t);
                    }
                    writeFully(ch, buf, (long) tokenBytes * len);
                }
                for (int from = 0; from < n; from += CHUNK) {
                    int len = Math.min(CHUNK, n - from);
                    for (int i = 0; i < len; i++) {
                        putUnsigned(buf, (long) i * positionBytes, positionBytes, sa[from + i + 1]);
                    }
                    writeFully(ch, buf, (long) positionBytes * len);
                }
                for (int from = 0; from < docStarts.length; from += CHUNK) {
                    int len = Math.min(CHUNK, docStarts.length - from);
                    for (int i = 0; i < len; i++) {
                        putUnsigned(buf, (long) i * positionBytes, positionBytes, docStarts[from + i]);
                    }
                    writeFully(ch, buf, (long) positionBytes * len);
                }
                buf.asSlice(0, TAIL).fill((byte) 0);
                writeFully(ch, buf, TAIL);
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

    // the low `bytes` bytes of v at off, little-endian
    private static void putUnsigned(MemorySegment buf, long off, int bytes, long v) {
        switch (bytes) {
            case 2 -> buf.set(SHORT, off, (short) v);
            case 4 -> buf.set(INT, off, (int) v);
            default -> {
                for (int b = 0; b < bytes; b++) {
                    buf.set(ValueLayout.JAVA_BYTE, off + b, (byte) (v >>> (8 * b)));
                }
            }
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
            boolean v1 = Arrays.equals(magic, MAGIC_V1);
            if (!v1 && !Arrays.equals(magic, MAGIC)) {
                throw new IndexFormatException(file + ": bad magic, not an OLSAIDX2 (or OLSAIDX1) shard");
            }
            long n = m.get(LONG, 8);
            long d = m.get(LONG, 16);
            if (n < 0 || d < 0 || d > n || n > (Long.MAX_VALUE - HEADER) / 16) {
                throw new IndexFormatException(file + ": header counts n=" + n + " d=" + d + " are impossible");
            }
            int t = v1 ? 4 : m.get(ValueLayout.JAVA_BYTE, 56);
            int p = v1 ? 8 : m.get(ValueLayout.JAVA_BYTE, 57);
            if (t < 2 || t > 4 || p < 4 || p > 8 || (p < 8 && n > (1L << (8 * p)))) {
                throw new IndexFormatException(
                        file + ": " + t + "-byte tokens and " + p + "-byte positions cannot hold " + n + " tokens");
            }
            long expected = saOffset(n, t, p) + (long) p * (n + d) + (v1 ? 0 : TAIL);
            if (size != expected) {
                throw new IndexFormatException(
                        file + ": size " + size + " differs from the " + expected + " bytes the header implies");
            }
            return new SuffixArrayShard(file, arena, m, n, d, t, p);
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
        switch (tokenBytes) {
            case 2 -> {
                int v = Short.toUnsignedInt(seg.get(SHORT, HEADER + 2 * pos));
                return v == 0xFFFF ? SEPARATOR : v;
            }
            case 3 -> {
                // the 4th byte read is the next entry's, or the tail's
                int v = seg.get(INT, HEADER + 3 * pos) & 0xFF_FFFF;
                return v == 0xFF_FFFF ? SEPARATOR : v;
            }
            default -> {
                return seg.get(INT, HEADER + 4 * pos);
            }
        }
    }

    /** Bytes per token in the file (2, 3 or 4). */
    public int tokenBytes() {
        return tokenBytes;
    }

    /** Bytes per suffix-array position in the file (4 to 8). */
    public int positionBytes() {
        return positionBytes;
    }

    // the position stored at off (the bytes after a short entry are the next entry's, or the tail's)
    private long position(long off) {
        return positionBytes == 4 ? Integer.toUnsignedLong(seg.get(INT, off)) : seg.get(LONG, off) & positionMask;
    }

    /** The stream position of the {@code i}-th smallest suffix. */
    public long suffix(long i) {
        return position(saOffset + positionBytes * i);
    }

    /** The ordinal of the record holding stream position {@code pos}. */
    public int recordAt(long pos) {
        long lo = 0;
        long hi = docs - 1;
        while (lo < hi) {
            long mid = (lo + hi + 1) >>> 1;
            if (position(docOffset + positionBytes * mid) <= pos) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return (int) lo;
    }

    /** The stream position where record {@code ordinal} starts. */
    public long recordStart(int ordinal) {
        return position(docOffset + (long) positionBytes * ordinal);
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
