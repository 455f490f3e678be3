package io.openledger.datanet;

import io.openledger.core.ContributorId;
import io.openledger.core.Hash;

/**
 * The tokens of one corpus record, with its owner, as fed to a trainer or an attribution index.
 *
 * @param record the record id
 * @param contributor who owns it
 * @param tokens the token ids; the array is the caller's to keep
 */
public record TokenizedRecord(Hash record, ContributorId contributor, int[] tokens) {}
