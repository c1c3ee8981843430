package dev.mobilize.tnn;

/** Reads one TNN layer (its parameters and resource) into IR nodes with TNN's semantics. */
interface TnnLayerReader {
  void read(TnnNet.Layer layer, TnnResource resource, ImportContext ctx);
}
