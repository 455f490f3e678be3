package io.openledger.lora;

import java.util.Optional;

/** The seven linear layers of a Llama-family decoder layer, by their Hugging Face module names. */
public enum Projection {
    /** Query projection. */
    Q_PROJ("self_attn", "q_proj"),
    /** Key projection. */
    K_PROJ("self_attn", "k_proj"),
    /** Value projection. */
    V_PROJ("self_attn", "v_proj"),
    /** Attention output projection. */
    O_PROJ("self_attn", "o_proj"),
    /** MLP gate projection. */
    GATE_PROJ("mlp", "gate_proj"),
    /** MLP up projection. */
    UP_PROJ("mlp", "up_proj"),
    /** MLP down projection. */
    DOWN_PROJ("mlp", "down_proj");

    private final String block;
    private final String moduleName;

    Projection(String block, String moduleName) {
        this.block = block;
        this.moduleName = moduleName;
    }

    /** The leaf module name, e.g. {@code q_proj}. */
    public String moduleName() {
        return moduleName;
    }

    /** The full module path in layer {@code layer}, e.g. {@code model.layers.3.self_attn.q_proj}. */
    public String path(int layer) {
        return "model.layers." + layer + "." + block + "." + moduleName;
    }

    /** Input features of this layer under {@code c}. */
    public int inFeatures(ModelConfig c) {
        return switch (this) {
            case Q_PROJ, K_PROJ, V_PROJ, GATE_PROJ, UP_PROJ -> c.hiddenSize();
            case O_PROJ -> c.heads() * c.headDim();
            case DOWN_PROJ -> c.intermediateSize();
        };
    }

    /** Output features of this layer under {@code c}. */
    public int outFeatures(ModelConfig c) {
        return switch (this) {
            case Q_PROJ -> c.heads() * c.headDim();
            case K_PROJ, V_PROJ -> c.kvHeads() * c.headDim();
            case O_PROJ, DOWN_PROJ -> c.hiddenSize();
            case GATE_PROJ, UP_PROJ -> c.intermediateSize();
        };
    }

    /** The projection with this leaf name, if any. */
    public static Optional<Projection> fromModuleName(String name) {
        for (Projection p : values()) {
            if (p.moduleName.equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
