package io.openledger.lora;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * A PEFT LoRA {@code adapter_config.json} (fields as in {@code huggingface/peft
 * src/peft/tuners/lora/config.py}). Immutable. {@link #parse} rejects what cannot be served as plain
 * unmerged LoRA: other PEFT types, DoRA, trained biases, {@code modules_to_save}, layer replication.
 *
 * @param r default rank
 * @param loraAlpha default alpha
 * @param useRslora scaling alpha/sqrt(r) instead of alpha/r
 * @param rankPattern per-module rank overrides (key: module name or regex)
 * @param alphaPattern per-module alpha overrides
 * @param targetModules list of names (exact or suffix match); empty if {@code targetRegex} is set
 * @param targetRegex a regex matched against full module names, or "all-linear", or null
 * @param excludeModules names excluded from targeting
 * @param layersToTransform layer indices adapted (empty = all)
 * @param fanInFanOut GPT-2 Conv1D layout flag (PEFT forces it false for nn.Linear; kept for reference)
 * @param baseModelNameOrPath informational base model name
 */
public record AdapterConfig(
        int r,
        double loraAlpha,
        boolean useRslora,
        Map<String, Integer> rankPattern,
        Map<String, Double> alphaPattern,
        List<String> targetModules,
        @Nullable String targetRegex,
        List<String> excludeModules,
        List<Integer> layersToTransform,
        boolean fanInFanOut,
        String baseModelNameOrPath) {

    /** Validates and copies. */
    public AdapterConfig {
        if (r <= 0) {
            throw new ModelFormatException("adapter_config.json", "r must be > 0, got " + r);
        }
        if (!(loraAlpha > 0) && loraAlpha != 0) {
            throw new ModelFormatException("adapter_config.json", "lora_alpha must be a number >= 0");
        }
        // in the order given (the file's): like PEFT, the first key that matches a module decides
        rankPattern = ordered(rankPattern);
        alphaPattern = ordered(alphaPattern);
        targetModules = List.copyOf(targetModules);
        excludeModules = List.copyOf(excludeModules);
        layersToTransform = List.copyOf(layersToTransform);
        if (targetModules.isEmpty() && targetRegex == null) {
            throw new ModelFormatException("adapter_config.json", "target_modules is empty");
        }
        for (String k : rankPattern.keySet()) {
            compileKey(k);
        }
        for (String k : alphaPattern.keySet()) {
            compileKey(k);
        }
    }

    /** A config targeting {@code targets} with rank {@code r} and alpha {@code alpha}, no patterns. */
    public static AdapterConfig of(int r, double alpha, List<String> targets) {
        return new AdapterConfig(r, alpha, false, Map.of(), Map.of(), targets, null, List.of(), List.of(), false, "");
    }

    private static Pattern compileKey(String key) {
        try {
            // PEFT get_pattern_key: re.match(rf"(.*\.)?({key})$", module_name)
            return Pattern.compile("(.*\\.)?(" + key + ")$");
        } catch (PatternSyntaxException e) {
            throw new ModelFormatException("adapter_config.json", "pattern key \"" + key + "\" is not a valid regex");
        }
    }

    private static <V> Map<String, V> ordered(Map<String, V> m) {
        Map<String, V> copy = new LinkedHashMap<>();
        m.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "pattern key"), Objects.requireNonNull(v, k)));
        return Collections.unmodifiableMap(copy);
    }

    // PEFT's get_pattern_key: the first key, in the pattern's order, whose regex matches the module
    private static @Nullable String patternKey(Iterable<String> keys, String module) {
        for (String k : keys) {
            if (compileKey(k).matcher(module).matches()) {
                return k;
            }
        }
        return null;
    }

    /** Rank of the module with full name {@code module} (rank_pattern, else r). */
    public int rankOf(String module) {
        String k = patternKey(rankPattern.keySet(), module);
        return k == null ? r : rankPattern.get(k);
    }

    /** Alpha of the module (alpha_pattern, else lora_alpha). */
    public double alphaOf(String module) {
        String k = patternKey(alphaPattern.keySet(), module);
        return k == null ? loraAlpha : alphaPattern.get(k);
    }

    /** PEFT's scaling: alpha/r, or alpha/sqrt(r) with rsLoRA. */
    public double scalingOf(String module) {
        int rank = rankOf(module);
        double alpha = alphaOf(module);
        return useRslora ? alpha / Math.sqrt(rank) : alpha / rank;
    }

    /**
     * Whether PEFT would wrap the decoder module with full name {@code module} (e.g.
     * {@code model.layers.0.self_attn.q_proj}); only the seven decoder projections are linear layers
     * here besides the LM head, which "all-linear" excludes.
     */
    public boolean targets(String module) {
        String leaf = module.substring(module.lastIndexOf('.') + 1);
        for (String ex : excludeModules) {
            if (module.equals(ex) || module.endsWith("." + ex)) {
                return false;
            }
        }
        boolean hit;
        if ("all-linear".equals(targetRegex)) {
            hit = Projection.fromModuleName(leaf).isPresent();
        } else if (targetRegex != null) {
            hit = Pattern.compile(targetRegex).matcher(module).matches();
        } else {
            hit = false;
            for (String t : targetModules) {
                if (module.equals(t) || module.endsWith("." + t)) {
                    hit = true;
                    break;
                }
            }
            if (hit && !layersToTransform.isEmpty()) {
                var m = Pattern.compile(".*\\.layers\\.(\\d+)\\..*").matcher(module);
                hit = m.matches() && layersToTransform.contains(Integer.parseInt(m.group(1)));
            }
        }
        return hit;
    }

    /**
     * Parses adapter_config.json text; {@code where} names the input in errors.
     *
     * @throws ModelFormatException for malformed JSON, a non-LoRA type, DoRA, trained biases,
     *     modules_to_save, layer replication, or invalid fields
     */
    public static AdapterConfig parse(String where, String json) {
        JsonNode o;
        try {
            o = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new ModelFormatException(where, "invalid JSON: " + e.getMessage(), e);
        }
        if (o == null || !o.isObject()) {
            throw new ModelFormatException(where, "not a JSON object");
        }
        String type = o.path("peft_type").asText("LORA");
        if (!type.equals("LORA")) {
            throw new ModelFormatException(where, "peft_type \"" + type + "\" is not LORA");
        }
        if (o.path("use_dora").asBoolean(false)) {
            throw new ModelFormatException(
                    where, "DoRA adapters (use_dora=true) need weight normalization and cannot be served as LoRA");
        }
        String bias = o.path("bias").asText("none");
        if (!bias.equals("none") || o.path("lora_bias").asBoolean(false)) {
            throw new ModelFormatException(
                    where, "adapters with trained biases (bias=\"" + bias + "\") are not supported");
        }
        JsonNode mts = o.get("modules_to_save");
        if (mts != null && !mts.isNull() && !(mts.isArray() && mts.isEmpty())) {
            throw new ModelFormatException(
                    where, "modules_to_save " + mts + " (full replacement tensors) is not supported");
        }
        JsonNode repl = o.get("layer_replication");
        if (repl != null && !repl.isNull()) {
            throw new ModelFormatException(where, "layer_replication changes the model topology and is not supported");
        }
        if (!o.path("r").isIntegralNumber()) {
            throw new ModelFormatException(where, "\"r\" must be an integer");
        }
        JsonNode alpha = o.path("lora_alpha");
        if (!alpha.isMissingNode() && !alpha.isNumber()) {
            throw new ModelFormatException(where, "\"lora_alpha\" must be a number");
        }
        Map<String, Integer> ranks = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it =
                        o.path("rank_pattern").properties().iterator();
                it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().isIntegralNumber() || e.getValue().asInt() <= 0) {
                throw new ModelFormatException(
                        where, "rank_pattern[\"" + e.getKey() + "\"] must be a positive integer");
            }
            ranks.put(e.getKey(), e.getValue().asInt());
        }
        Map<String, Double> alphas = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it =
                        o.path("alpha_pattern").properties().iterator();
                it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().isNumber()) {
                throw new ModelFormatException(where, "alpha_pattern[\"" + e.getKey() + "\"] must be a number");
            }
            alphas.put(e.getKey(), e.getValue().asDouble());
        }
        List<String> targets = new ArrayList<>();
        String regex = null;
        JsonNode tm = o.get("target_modules");
        if (tm == null || tm.isNull()) {
            throw new ModelFormatException(where, "missing target_modules");
        } else if (tm.isTextual()) {
            regex = tm.asText();
            if (!regex.equals("all-linear")) {
                try {
                    Pattern.compile(regex);
                } catch (PatternSyntaxException e) {
                    throw new ModelFormatException(where, "target_modules regex is invalid: " + e.getDescription());
                }
            }
        } else if (tm.isArray()) {
            for (JsonNode t : tm) {
                targets.add(t.asText());
            }
        } else {
            throw new ModelFormatException(where, "target_modules must be a list or a string");
        }
        List<String> excludes = new ArrayList<>();
        JsonNode ex = o.get("exclude_modules");
        if (ex != null && ex.isArray()) {
            ex.forEach(n -> excludes.add(n.asText()));
        } else if (ex != null && ex.isTextual()) {
            throw new ModelFormatException(where, "exclude_modules as a regex is not supported");
        }
        List<Integer> layers = new ArrayList<>();
        JsonNode lt = o.get("layers_to_transform");
        if (lt != null && lt.isInt()) {
            layers.add(lt.asInt());
        } else if (lt != null && lt.isArray()) {
            lt.forEach(n -> layers.add(n.asInt()));
        }
        try {
            return new AdapterConfig(
                    o.path("r").asInt(),
                    alpha.isMissingNode() ? 8 : alpha.asDouble(),
                    o.path("use_rslora").asBoolean(false),
                    ranks,
                    alphas,
                    targets,
                    regex,
                    excludes,
                    layers,
                    o.path("fan_in_fan_out").asBoolean(false),
                    o.path("base_model_name_or_path").asText(""));
        } catch (ModelFormatException e) {
            throw new ModelFormatException(where, e.getMessage(), e);
        }
    }

    /** This config as PEFT adapter_config.json text. */
    public String toJson() {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = m.createObjectNode();
        o.put("peft_type", "LORA");
        o.put("task_type", "CAUSAL_LM");
        o.put("base_model_name_or_path", baseModelNameOrPath);
        o.put("r", r);
        o.put("lora_alpha", loraAlpha);
        o.put("lora_dropout", 0.0);
        o.put("use_rslora", useRslora);
        o.put("use_dora", false);
        o.put("bias", "none");
        o.put("fan_in_fan_out", fanInFanOut);
        o.put("inference_mode", true);
        o.putNull("modules_to_save");
        if (targetRegex != null) {
            o.put("target_modules", targetRegex);
        } else {
            ArrayNode t = o.putArray("target_modules");
            targetModules.forEach(t::add);
        }
        ObjectNode rp = o.putObject("rank_pattern");
        rankPattern.forEach(rp::put);
        ObjectNode ap = o.putObject("alpha_pattern");
        alphaPattern.forEach(ap::put);
        if (!layersToTransform.isEmpty()) {
            ArrayNode l = o.putArray("layers_to_transform");
            layersToTransform.forEach(l::add);
        }
        try {
            return m.writerWithDefaultPrettyPrinter().writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The target regex, if target_modules was a string. */
    public Optional<String> regex() {
        return Optional.ofNullable(targetRegex);
    }
}
