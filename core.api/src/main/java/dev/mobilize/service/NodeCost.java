package dev.mobilize.service;

/**
 * What one node costs to run.
 *
 * <p>Example: a 3x3 convolution from 32 to 64 channels on a 56x56 output has
 * {@code macs = 64*56*56*32*3*3}, {@code flops = 2*macs} (plus the bias adds).
 *
 * @param node the node name ({@link dev.mobilize.ir.Node#describe()} form when it has none)
 * @param opType the operator type
 * @param macs multiply-accumulate operations (0 for ops without any, -1 when unknown)
 * @param flops floating-point operations, counting a MAC as two (-1 when unknown)
 * @param params elements of constant inputs (weights, biases)
 * @param inputBytes bytes of the non-constant inputs read (-1 when unknown)
 * @param outputBytes bytes of the outputs written (-1 when unknown)
 */
public record NodeCost(String node, String opType, long macs, long flops, long params, long inputBytes,
    long outputBytes) {

  /** Memory access cost in bytes (ShuffleNet V2's MAC: inputs + outputs + weights), or -1 when unknown. */
  public long memoryAccessBytes(int weightBytesPerParam) {
    if (inputBytes < 0 || outputBytes < 0) {
      return -1;
    }
    return inputBytes + outputBytes + params * weightBytesPerParam;
  }
}
