package dev.mobilize.ncnn;

/** Reads one ncnn layer type into IR nodes with ncnn's semantics, listed in {@link NcnnReaders}. */
interface NcnnLayerReader {

  /**
   * Adds the nodes for {@code ctx.layer}, reading its weights from {@code ctx.weights} in the
   * order ncnn's {@code load_model} reads them.
   *
   * @throws IllegalArgumentException for params ncnn would reject or this reader does not support
   */
  void read(NcnnParams p, ImportContext ctx);
}
