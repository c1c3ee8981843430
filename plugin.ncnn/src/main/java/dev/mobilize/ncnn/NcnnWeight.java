package dev.mobilize.ncnn;

/**
 * One weight buffer of a layer. A tagged weight is read by ncnn with {@code ModelBin::load(n, 0)}:
 * a 4-byte storage tag (0 = fp32, {@code 0x01306B47} = fp16, {@code 0x000D4B38} = int8) comes
 * first. An untagged weight is raw fp32 ({@code load(n, 1)}).
 *
 * @param data the values (for int8 weights the integer values, with {@code int8} set)
 * @param tagged whether a storage tag precedes the data
 * @param int8 whether the stored values are int8 (read back from int8 models)
 */
record NcnnWeight(float[] data, boolean tagged, boolean int8) {

  NcnnWeight(float[] data, boolean tagged) {
    this(data, tagged, false);
  }
}
