package io.openledger.lora.serving.internal;

import java.util.Arrays;

/** One sequence's place in the paged KV cache: its page table and position. Scheduler-thread only. */
public final class Sequence {
    int[] pageTable = new int[4];
    int pageCount;
    int reservedPages;
    int capacityTokens;
    int position;
    // the logits after the last step that asked for them, reused from step to step
    float[] logits = new float[0];

    /** Tokens already in the cache. */
    public int position() {
        return position;
    }

    void addPage(int p) {
        if (pageCount == pageTable.length) {
            pageTable = Arrays.copyOf(pageTable, pageCount * 2);
        }
        pageTable[pageCount++] = p;
    }
}
