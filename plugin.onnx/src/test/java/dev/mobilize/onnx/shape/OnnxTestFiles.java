package dev.mobilize.onnx.shape;

import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import dev.mobilize.ir.Attribute;
import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.onnx.proto.Onnx;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;

/**
 * Test-only access to ONNX files: the shared test data folder, and a minimal reader from the
 * generated protobuf classes into the IR (tensor types only), used until the main-branch
 * importer is available to this module.
 */
final class OnnxTestFiles {

  private OnnxTestFiles() {}

  /** A model file holds something this reader does not handle (sequences, external data, ...). */
  static final class Unreadable extends Exception {
    private static final long serialVersionUID = 1L;

    Unreadable(String message) {
      super(message);
    }
  }

  /** The parsed graph and the default-domain opset. */
  record OnnxFile(Graph graph, long opset) {}

  /** The shared data folder; fails in CI when it is missing, skips the test elsewhere. */
  static Path shared() {
    String prop = System.getProperty("mobilize.shared");
    Path p = prop != null ? Path.of(prop) : Path.of("../../shared");
    if (!Files.isDirectory(p)) {
      if ("true".equals(System.getenv("CI"))) {
        fail("shared test data folder " + p.toAbsolutePath() + " is missing (CI=true)");
      }
      Assumptions.abort("shared test data folder " + p.toAbsolutePath() + " is missing");
    }
    return p;
  }

  static OnnxFile read(Path file) throws IOException, Unreadable {
    Onnx.ModelProto m;
    try (InputStream in = Files.newInputStream(file)) {
      m = Onnx.ModelProto.parseFrom(in);
    }
    long opset = 0;
    for (Onnx.OperatorSetIdProto o : m.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        opset = o.getVersion();
      }
    }
    return new OnnxFile(graph(m.getGraph()), opset);
  }

  static Graph graph(Onnx.GraphProto g) throws Unreadable {
    Graph.Builder b = Graph.builder(g.getName());
    Set<String> init = new HashSet<>();
    for (Onnx.TensorProto t : g.getInitializerList()) {
      b.initializer(t.getName(), tensor(t));
      init.add(t.getName());
    }
    for (Onnx.ValueInfoProto v : g.getInputList()) {
      if (!init.contains(v.getName())) {
        b.input(valueInfo(v));
      }
    }
    for (Onnx.ValueInfoProto v : g.getOutputList()) {
      b.output(valueInfo(v));
    }
    for (Onnx.ValueInfoProto v : g.getValueInfoList()) {
      b.valueInfo(valueInfo(v));
    }
    for (Onnx.NodeProto n : g.getNodeList()) {
      Attributes.Builder a = Attributes.builder();
      for (Onnx.AttributeProto p : n.getAttributeList()) {
        a.set(p.getName(), attribute(p));
      }
      b.node(Node.builder(n.getOpType()).name(n.getName()).domain(n.getDomain()).inputs(n.getInputList())
          .outputs(n.getOutputList()).attributes(a.build()).build());
    }
    return b.build();
  }

  static ValueInfo valueInfo(Onnx.ValueInfoProto v) throws Unreadable {
    if (!v.hasType()) {
      return ValueInfo.unknown(v.getName());
    }
    if (!v.getType().hasTensorType()) {
      throw new Unreadable("value '" + v.getName() + "' is not a tensor");
    }
    Onnx.TypeProto.Tensor t = v.getType().getTensorType();
    DataType type = dataType(t.getElemType());
    if (!t.hasShape()) {
      return new ValueInfo(v.getName(), type, Shape.UNKNOWN);
    }
    List<Dim> dims = new ArrayList<>();
    int unnamed = 0;
    for (Onnx.TensorShapeProto.Dimension d : t.getShape().getDimList()) {
      if (d.hasDimValue()) {
        dims.add(Dim.of(d.getDimValue()));
      } else if (d.hasDimParam() && !d.getDimParam().isEmpty()) {
        dims.add(Dim.symbol(d.getDimParam()));
      } else {
        dims.add(Dim.symbol("?" + v.getName() + "_" + unnamed++));
      }
    }
    return new ValueInfo(v.getName(), type, Shape.of(dims));
  }

  private static DataType dataType(int code) throws Unreadable {
    try {
      return DataType.fromCode(code);
    } catch (IllegalArgumentException e) {
      throw new Unreadable("data type " + code);
    }
  }

  static Attribute attribute(Onnx.AttributeProto p) throws Unreadable {
    switch (p.getType()) {
      case FLOAT:
        return new Attribute.Float(p.getF());
      case INT:
        return new Attribute.Int(p.getI());
      case STRING:
        return new Attribute.Str(p.getS().toStringUtf8());
      case TENSOR:
        return new Attribute.TensorValue(tensor(p.getT()));
      case GRAPH:
        return new Attribute.GraphValue(graph(p.getG()));
      case FLOATS: {
        float[] f = new float[p.getFloatsCount()];
        for (int i = 0; i < f.length; i++) {
          f[i] = p.getFloats(i);
        }
        return new Attribute.Floats(f);
      }
      case INTS:
        return new Attribute.Ints(p.getIntsList().stream().mapToLong(Long::longValue).toArray());
      case STRINGS:
        return new Attribute.Strs(p.getStringsList().stream().map(ByteString::toStringUtf8).toList());
      default:
        throw new Unreadable("attribute '" + p.getName() + "' of type " + p.getType());
    }
  }

  static Tensor tensor(Onnx.TensorProto t) throws Unreadable {
    DataType type = dataType(t.getDataType());
    long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    if (t.getDataLocation() == Onnx.TensorProto.DataLocation.EXTERNAL) {
      throw new Unreadable("external data");
    }
    if (type == DataType.STRING) {
      return Tensor.ofStrings(dims, t.getStringDataList().stream().map(s -> s.toString(StandardCharsets.UTF_8)).toList());
    }
    if (t.hasRawData()) {
      return Tensor.of(type, dims, t.getRawData().toByteArray());
    }
    int n = (int) Shape.numElements(dims);
    if (type.byteSize() == 0) {
      throw new Unreadable("tensor of " + type + " without raw data");
    }
    ByteBuffer b = ByteBuffer.allocate(n * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      switch (type) {
        case FLOAT -> b.putFloat(t.getFloatData(i));
        case DOUBLE -> b.putDouble(t.getDoubleData(i));
        case INT64 -> b.putLong(t.getInt64Data(i));
        case UINT64 -> b.putLong(t.getUint64Data(i));
        case UINT32 -> b.putInt((int) t.getUint64Data(i));
        case INT32 -> b.putInt(t.getInt32Data(i));
        case INT16, UINT16, FLOAT16, BFLOAT16 -> b.putShort((short) t.getInt32Data(i));
        case INT8, UINT8, BOOL -> b.put((byte) t.getInt32Data(i));
        default -> throw new Unreadable("tensor of " + type + " without raw data");
      }
    }
    return Tensor.of(type, dims, b.array());
  }
}
