/**
 * Recognising the QDQ form of docs/QUANTIZATION.md in a graph, for the exporters that lower it to
 * their frameworks' int8 layers: {@link dev.mobilize.qdq.QdqMatcher} finds the activation pairs
 * {@code DequantizeLinear(QuantizeLinear(x))}, the dequantized int8/int32 constants and, for each
 * quantized op, its input pair, int8 weight with per-output-channel scales, int32 bias, activation
 * and output pair ({@link dev.mobilize.qdq.QuantizedOp}). An absent zero point counts as 0; a
 * non-zero activation zero point is found and reported, so a symmetric-only exporter can refuse it.
 */
@Export
@Version("0.1.0")
package dev.mobilize.qdq;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
