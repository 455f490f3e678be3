package io.openledger.lora.serving;

/** Backpressure: the server's queue is full (or it is closed); the request was not accepted. */
public final class ServerBusyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the limit. */
    public ServerBusyException(String message) {
        super(message);
    }
}
