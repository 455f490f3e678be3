package io.openledger.lora;

/**
 * A model, adapter, tokenizer or safetensors file that cannot be served as given. The message names
 * the input (file and, where it applies, tensor or field) and what was wrong with it.
 */
public final class ModelFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param input the file or logical input that was rejected
     * @param problem what was wrong with it
     */
    public ModelFormatException(String input, String problem) {
        super(input + ": " + problem);
    }

    /**
     * @param input the file or logical input that was rejected
     * @param problem what was wrong with it
     * @param cause the underlying failure
     */
    public ModelFormatException(String input, String problem, Throwable cause) {
        super(input + ": " + problem, cause);
    }
}
