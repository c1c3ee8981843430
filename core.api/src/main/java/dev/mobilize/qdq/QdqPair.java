package dev.mobilize.qdq;

import dev.mobilize.ir.Node;

/**
 * An activation pair {@code output = DequantizeLinear(QuantizeLinear(input, s, zp), s, zp)}: both
 * nodes read one scalar scale and the same zero point (an absent zero point is 0).
 *
 * @param input the float value quantized
 * @param quantized the integer value between the two nodes
 * @param output the dequantized value the readers read
 * @param scale the per-tensor scale
 * @param zeroPoint the zero point (0 in the symmetric form; -128 for an asymmetric int8 tensor
 *     holding non-negative values)
 * @param quantize the QuantizeLinear node
 * @param dequantize the DequantizeLinear node
 */
public record QdqPair(String input, String quantized, String output, float scale, long zeroPoint, Node quantize,
    Node dequantize) {

  /** Whether the zero point is 0, the only form symmetric int8 layers take. */
  public boolean symmetric() {
    return zeroPoint == 0;
  }
}
