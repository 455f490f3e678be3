/**
 * Datanets: community datasets with signed contributions, review, immutable Merkle-rooted versions,
 * inclusion proofs, anchoring, publish fee quotes and corpus export.
 *
 * <p>Start with {@link io.openledger.datanet.DatanetService#builder()}: create a datanet ({@link
 * io.openledger.datanet.NewDatanet}), {@code contribute} files as a contributor (parsed into
 * content-addressed {@link io.openledger.datanet.DataRecord}s, flagged for exact and near
 * duplicates, signed with the contributor's secp256k1 key), {@code approve} as the owner or a
 * curator (a new {@link io.openledger.datanet.DatanetVersion}), {@code prune} records that should
 * no longer be published (another new version; earlier ones keep them), then {@code prove}, {@code
 * diff} and {@code export} (a {@link io.openledger.datanet.Corpus}, also as tokens through a {@link
 * io.openledger.datanet.Tokenizer}). Errors on bad input are subclasses of {@link
 * io.openledger.datanet.DatanetException} and change nothing.
 */
@NullMarked
package io.openledger.datanet;

import org.jspecify.annotations.NullMarked;
