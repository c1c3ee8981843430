package dev.mobilize.mnn;

/** Reads one MNN op type into IR nodes with MNN's semantics. {@code param} is the op's {@code main} table, or null. */
@FunctionalInterface
interface MnnOpReader {
  void read(FlatBuffers.Table param, ImportContext ctx);
}
