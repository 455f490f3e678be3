package io.openledger.lora.serving;

/** Why a generation ended. */
public enum FinishReason {
    /** A stop token was generated (it is included in the output). */
    STOP_TOKEN,
    /** The output ended with a stop sequence (included in the output). */
    STOP_SEQUENCE,
    /** The request's max new tokens were generated. */
    LENGTH,
    /** The caller cancelled the request. */
    CANCELLED,
    /** The request's timeout passed (queued or running). */
    TIMEOUT
}
