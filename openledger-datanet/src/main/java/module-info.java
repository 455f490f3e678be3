/**
 * OpenLedger datanets: community datasets with signed contributions, review, immutable
 * Merkle-rooted versions, inclusion proofs, anchoring, publish fee quotes and corpus export.
 */
module io.openledger.datanet {
    requires transitive io.openledger.core;
    requires static org.jspecify;
    requires com.fasterxml.jackson.databind;
    requires org.apache.pdfbox;
    requires org.apache.poi.ooxml;

    exports io.openledger.datanet;
}
