package io.openledger.attribution;

/**
 * Where a token sequence occurs in the corpus.
 *
 * @param record the record holding it
 * @param offset index of the first matching token within the record
 */
public record Occurrence(CorpusRecord record, int offset) {}
