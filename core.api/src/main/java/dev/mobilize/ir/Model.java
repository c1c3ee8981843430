package dev.mobilize.ir;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A model: the main {@link Graph} and what describes it as a whole (operator set versions,
 * producer, metadata). Importers return models; passes and exporters take them.
 *
 * <p>Example: {@code Model.of(graph, Map.of("", 17L))} is a model of opset 17.
 *
 * @param graph the main graph
 * @param opsets operator set version per domain ("" is the default ONNX domain)
 * @param irVersion the ONNX IR version it was read with, or the one to write (0 = current)
 * @param producerName the tool that produced the model
 * @param producerVersion its version
 * @param docString documentation string
 * @param metadata free-form metadata properties, in order
 */
public record Model(
    Graph graph,
    Map<String, Long> opsets,
    long irVersion,
    String producerName,
    String producerVersion,
    String docString,
    Map<String, String> metadata) {

  public Model {
    Objects.requireNonNull(graph, "graph");
    opsets = Collections.unmodifiableMap(new LinkedHashMap<>(opsets));
    producerName = producerName == null ? "" : producerName;
    producerVersion = producerVersion == null ? "" : producerVersion;
    docString = docString == null ? "" : docString;
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  /** A model of {@code graph} with the given opsets and nothing else. */
  public static Model of(Graph graph, Map<String, Long> opsets) {
    return new Model(graph, opsets, 0, "", "", "", Map.of());
  }

  /** The default-domain (ai.onnx) opset version, or 0 if none is declared. */
  public long opset() {
    return opsets.getOrDefault("", 0L);
  }

  /** The same model with another graph. */
  public Model withGraph(Graph newGraph) {
    return new Model(newGraph, opsets, irVersion, producerName, producerVersion, docString, metadata);
  }

  /** The same model with another opset map. */
  public Model withOpsets(Map<String, Long> newOpsets) {
    return new Model(graph, newOpsets, irVersion, producerName, producerVersion, docString, metadata);
  }

  /** The same model with other metadata. */
  public Model withMetadata(Map<String, String> newMetadata) {
    return new Model(graph, opsets, irVersion, producerName, producerVersion, docString, newMetadata);
  }
}
