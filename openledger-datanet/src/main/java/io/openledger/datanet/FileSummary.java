package io.openledger.datanet;

import io.openledger.core.Hash;

/**
 * A file of a contribution, as signed by the contributor.
 *
 * @param name the file name
 * @param hash keccak256 of its bytes
 * @param size its size in bytes
 */
public record FileSummary(String name, Hash hash, long size) {}
