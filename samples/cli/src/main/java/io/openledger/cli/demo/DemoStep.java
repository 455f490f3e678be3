package io.openledger.cli.demo;

/**
 * One step of {@code openledger demo}. Each module contributes its steps; the demo runs them in the
 * order data flows through the product (datanet → lora → attribution → token → chain). A step
 * only shows what really runs.
 */
public interface DemoStep {
    /** A short title, printed as the step's heading. */
    String title();

    /**
     * Runs the step.
     *
     * @throws Exception on failure, which stops the demo with a non-zero exit status
     */
    void run(DemoContext ctx) throws Exception;
}
