package dev.mobilize.onnx;

import com.google.protobuf.ByteString;
import dev.mobilize.ir.Attribute;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.onnx.proto.Onnx.AttributeProto;
import dev.mobilize.onnx.proto.Onnx.AttributeProto.AttributeType;
import dev.mobilize.onnx.proto.Onnx.GraphProto;
import dev.mobilize.onnx.proto.Onnx.ModelProto;
import dev.mobilize.onnx.proto.Onnx.NodeProto;
import dev.mobilize.onnx.proto.Onnx.OperatorSetIdProto;
import dev.mobilize.onnx.proto.Onnx.StringStringEntryProto;
import dev.mobilize.onnx.proto.Onnx.TensorShapeProto;
import dev.mobilize.onnx.proto.Onnx.TypeProto;
import dev.mobilize.onnx.proto.Onnx.ValueInfoProto;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writes the IR as a {@code ModelProto}: the twin of {@link ProtoToIr}. */
final class IrToProto {

  /** The IR version written: ONNX 1.16+ (opset 21). */
  static final long IR_VERSION = 10;

  private IrToProto() {}

  static ModelProto model(Model m, String producerName, String producerVersion) {
    ModelProto.Builder b = ModelProto.newBuilder().setIrVersion(IR_VERSION)
        .setProducerName(producerName).setProducerVersion(producerVersion)
        .setGraph(graph(m.graph()));
    if (!m.docString().isEmpty()) {
      b.setDocString(m.docString());
    }
    for (Map.Entry<String, Long> e : m.opsets().entrySet()) {
      b.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(e.getKey()).setVersion(e.getValue()));
    }
    for (Map.Entry<String, String> e : m.metadata().entrySet()) {
      b.addMetadataProps(StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
    }
    return b.build();
  }

  static GraphProto graph(Graph g) {
    GraphProto.Builder b = GraphProto.newBuilder().setName(g.name().isEmpty() ? "main" : g.name());
    if (!g.docString().isEmpty()) {
      b.setDocString(g.docString());
    }
    g.inputs().forEach(v -> b.addInput(valueInfo(v)));
    g.outputs().forEach(v -> b.addOutput(valueInfo(v)));
    g.initializers().forEach((name, t) -> b.addInitializer(OnnxTensors.toProto(name, t)));
    for (ValueInfo v : g.valueInfo().values()) {
      if (v.type() != DataType.UNDEFINED) {
        b.addValueInfo(valueInfo(v));
      }
    }
    for (Node n : g.nodes()) {
      b.addNode(node(n));
    }
    return b.build();
  }

  private static NodeProto node(Node n) {
    NodeProto.Builder b = NodeProto.newBuilder().setOpType(n.opType())
        .addAllInput(n.inputs()).addAllOutput(n.outputs());
    if (!n.name().isEmpty()) {
      b.setName(n.name());
    }
    if (!n.domain().isEmpty()) {
      b.setDomain(n.domain());
    }
    if (!n.docString().isEmpty()) {
      b.setDocString(n.docString());
    }
    n.attributes().asMap().forEach((name, a) -> b.addAttribute(attribute(name, a)));
    return b.build();
  }

  private static AttributeProto attribute(String name, Attribute a) {
    AttributeProto.Builder b = AttributeProto.newBuilder().setName(name);
    if (a instanceof Attribute.Int i) {
      b.setType(AttributeType.INT).setI(i.value());
    } else if (a instanceof Attribute.Float f) {
      b.setType(AttributeType.FLOAT).setF(f.value());
    } else if (a instanceof Attribute.Str s) {
      b.setType(AttributeType.STRING).setS(ByteString.copyFrom(s.value(), StandardCharsets.UTF_8));
    } else if (a instanceof Attribute.TensorValue t) {
      b.setType(AttributeType.TENSOR).setT(OnnxTensors.toProto("", t.value()));
    } else if (a instanceof Attribute.GraphValue g) {
      b.setType(AttributeType.GRAPH).setG(graph(g.value()));
    } else if (a instanceof Attribute.Ints l) {
      b.setType(AttributeType.INTS);
      for (long v : l.values()) {
        b.addInts(v);
      }
    } else if (a instanceof Attribute.Floats l) {
      b.setType(AttributeType.FLOATS);
      for (float v : l.values()) {
        b.addFloats(v);
      }
    } else if (a instanceof Attribute.Strs l) {
      b.setType(AttributeType.STRINGS);
      l.values().forEach(s -> b.addStrings(ByteString.copyFrom(s, StandardCharsets.UTF_8)));
    } else if (a instanceof Attribute.Tensors l) {
      b.setType(AttributeType.TENSORS);
      for (Tensor t : l.values()) {
        b.addTensors(OnnxTensors.toProto("", t));
      }
    } else if (a instanceof Attribute.Graphs l) {
      b.setType(AttributeType.GRAPHS);
      l.values().forEach(g -> b.addGraphs(graph(g)));
    }
    return b.build();
  }

  private static ValueInfoProto valueInfo(ValueInfo v) {
    ValueInfoProto.Builder b = ValueInfoProto.newBuilder().setName(v.name());
    if (v.type() == DataType.UNDEFINED) {
      return b.build();
    }
    TypeProto.Tensor.Builder t = TypeProto.Tensor.newBuilder().setElemType(v.type().code());
    Shape s = v.shape();
    if (s.hasRank()) {
      TensorShapeProto.Builder sb = TensorShapeProto.newBuilder();
      for (Dim d : s.dimList()) {
        sb.addDim(d.isFixed() ? TensorShapeProto.Dimension.newBuilder().setDimValue(d.value())
            : TensorShapeProto.Dimension.newBuilder().setDimParam(d.symbol()));
      }
      t.setShape(sb);
    }
    return b.setType(TypeProto.newBuilder().setTensorType(t)).build();
  }
}
