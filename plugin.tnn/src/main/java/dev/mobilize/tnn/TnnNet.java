package dev.mobilize.tnn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A TNN model as its two files hold it: the {@code .tnnproto} structure (inputs with shapes and
 * data types, outputs, layers with their parameters as text) and the {@code .tnnmodel} resources
 * (per layer name) and constants (per blob name).
 */
final class TnnNet {

  /** The version magic number of the v2 format (raw buffers carry their dims), 0xFABC0004. */
  static final int MAGIC_V2 = 0xFABC0004;
  /** The older format without dims in raw buffers, 0xFABC0002. */
  static final int MAGIC_V1 = 0xFABC0002;

  /** An input blob: its dims (0 = unknown) and TNN data type (0 = float). */
  record Input(String name, int[] dims, int dataType) {}

  /** One layer line: {@code type name nIn nOut inputs... outputs... params...}. */
  static final class Layer {
    final String type;
    final String name;
    final List<String> inputs;
    final List<String> outputs;
    final List<String> params;

    Layer(String type, String name, List<String> inputs, List<String> outputs, List<String> params) {
      this.type = type;
      this.name = name;
      this.inputs = new ArrayList<>(inputs);
      this.outputs = new ArrayList<>(outputs);
      this.params = new ArrayList<>(params);
    }

    int intParam(int i, int defaultValue) {
      return i < params.size() ? Integer.parseInt(params.get(i).trim()) : defaultValue;
    }

    float floatParam(int i, float defaultValue) {
      return i < params.size() ? Float.parseFloat(params.get(i).trim()) : defaultValue;
    }
  }

  final List<Input> inputs = new ArrayList<>();
  final List<String> outputs = new ArrayList<>();
  final List<Layer> layers = new ArrayList<>();
  /** Resources by layer name, in the order of the layers. */
  final Map<String, TnnResource> resources = new LinkedHashMap<>();
  /** The suffix of the BlobScale resource of a blob in the .tnnmodel. */
  static final String BLOB_SCALE_SUFFIX = "_scale_data_";
  /** Per-tensor int8 scales of blobs (BlobScale resources), by blob name. */
  final Map<String, Float> blobScales = new LinkedHashMap<>();
  /**
   * QuantizeLinear/DequantizeLinear nodes the exporter wrote as aliases, with the blob of their value
   * (not part of the files); those whose blob has no scale are computed in float.
   */
  final Map<String, String> floatQdq = new LinkedHashMap<>();
  /** Constant blobs (the constant map at the end of the .tnnmodel). */
  final Map<String, RawBuffer> constants = new LinkedHashMap<>();
}
