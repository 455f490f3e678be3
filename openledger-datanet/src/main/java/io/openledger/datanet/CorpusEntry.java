package io.openledger.datanet;

import io.openledger.core.ContributorId;
import io.openledger.core.Hash;

/**
 * One record of an exported corpus.
 *
 * @param record the record id (keccak256 of {@code text})
 * @param contributor who owns it
 * @param text the record text
 */
public record CorpusEntry(Hash record, ContributorId contributor, String text) {}
