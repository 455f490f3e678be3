package io.openledger.lora.serving;

/**
 * Callbacks for one request, invoked on the server's scheduler thread in order: tokens, then exactly
 * one of {@link #onComplete} or {@link #onError}. Implementations must return quickly and must not
 * block (the whole batch waits); exceptions they throw are logged and ignored.
 */
public interface GenerationListener {
    /** A token was generated. */
    default void onToken(int token) {}

    /** The request finished (including cancelled or timed out, with the tokens so far). */
    default void onComplete(GenerationResult result) {}

    /** The request failed (e.g. its adapter could not be loaded). */
    default void onError(Throwable error) {}
}
