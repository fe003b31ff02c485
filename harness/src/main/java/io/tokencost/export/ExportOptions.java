package io.tokencost.export;

import io.tokencost.cost.WeightFormat;

/**
 * What a user chose beside the rows: each format reads the options it has a use for.
 *
 * @param weights   the weight format whose qgemv rows give llm-analysis's memory efficiency
 * @param system    the name the target will know the device by (AIConfigurator's system, Vidur's device); null: from the device's name
 * @param model     a preset name or a config.json (Vidur's per-model tables); null: none given
 * @param framework AIConfigurator's backend folder: vllm, sglang or trtllm
 * @param sources   the results files the rows came from, for the provenance
 */
public record ExportOptions(WeightFormat weights, String system, String model, String framework, String sources) {
}
