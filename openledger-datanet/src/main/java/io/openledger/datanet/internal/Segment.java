package io.openledger.datanet.internal;

/**
 * A piece of extracted text with its UTF-8 byte range in the text it was extracted from.
 *
 * @param text the piece, trimmed and non-empty
 * @param start first byte
 * @param end one past the last byte
 */
record Segment(String text, long start, long end) {}
