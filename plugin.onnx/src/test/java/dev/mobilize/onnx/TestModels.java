package dev.mobilize.onnx;

import dev.mobilize.onnx.proto.Onnx.AttributeProto;
import dev.mobilize.onnx.proto.Onnx.GraphProto;
import dev.mobilize.onnx.proto.Onnx.ModelProto;
import dev.mobilize.onnx.proto.Onnx.NodeProto;
import dev.mobilize.onnx.proto.Onnx.OperatorSetIdProto;
import dev.mobilize.onnx.proto.Onnx.TensorProto;
import dev.mobilize.onnx.proto.Onnx.TensorShapeProto;
import dev.mobilize.onnx.proto.Onnx.TypeProto;
import dev.mobilize.onnx.proto.Onnx.ValueInfoProto;

/** Small hand-built ONNX models for tests. */
final class TestModels {

  private TestModels() {}

  static ValueInfoProto floatValue(String name, long... dims) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (long d : dims) {
      s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
  }

  static NodeProto node(String op, String name, String[] inputs, String[] outputs, AttributeProto... attrs) {
    NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(name);
    for (String i : inputs) {
      b.addInput(i);
    }
    for (String o : outputs) {
      b.addOutput(o);
    }
    for (AttributeProto a : attrs) {
      b.addAttribute(a);
    }
    return b.build();
  }

  static AttributeProto ints(String name, long... values) {
    AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      b.addInts(v);
    }
    return b.build();
  }

  static AttributeProto floatAttr(String name, float value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
  }

  static AttributeProto intAttr(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
  }

  static TensorProto floats(String name, long[] dims, float... values) {
    TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(1);
    for (long d : dims) {
      b.addDims(d);
    }
    for (float v : values) {
      b.addFloatData(v);
    }
    return b.build();
  }

  static ModelProto model(long opset, GraphProto graph) {
    return ModelProto.newBuilder().setIrVersion(7).setProducerName("test")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).setGraph(graph).build();
  }

  /** y = Relu(x) over [1,4]. */
  static GraphProto.Builder relu() {
    return GraphProto.newBuilder().setName("g").addInput(floatValue("x", 1, 4)).addOutput(floatValue("y", 1, 4))
        .addNode(node("Relu", "relu", new String[] {"x"}, new String[] {"y"}));
  }
}
