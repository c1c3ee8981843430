package dev.mobilize.onnx;

import com.google.protobuf.ByteString;
import dev.mobilize.ir.Attribute;
import dev.mobilize.ir.Attributes;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Dim;
import dev.mobilize.ir.Graph;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Node;
import dev.mobilize.ir.Shape;
import dev.mobilize.ir.Tensor;
import dev.mobilize.ir.ValueInfo;
import dev.mobilize.onnx.proto.Onnx.AttributeProto;
import dev.mobilize.onnx.proto.Onnx.GraphProto;
import dev.mobilize.onnx.proto.Onnx.ModelProto;
import dev.mobilize.onnx.proto.Onnx.NodeProto;
import dev.mobilize.onnx.proto.Onnx.OperatorSetIdProto;
import dev.mobilize.onnx.proto.Onnx.StringStringEntryProto;
import dev.mobilize.onnx.proto.Onnx.TensorProto;
import dev.mobilize.onnx.proto.Onnx.TensorShapeProto;
import dev.mobilize.onnx.proto.Onnx.TypeProto;
import dev.mobilize.onnx.proto.Onnx.ValueInfoProto;
import dev.mobilize.service.ErrorCode;
import dev.mobilize.service.MobilizeException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a parsed {@code ModelProto} into the IR, as the file says it (no opset normalisation
 * yet): values, initializers, nodes with typed attributes, subgraphs, metadata.
 */
final class ProtoToIr {

  private final ExternalData external;
  private int unnamedDims;

  ProtoToIr(ExternalData external) {
    this.external = external;
  }

  Model model(ModelProto m) {
    if (!m.hasGraph()) {
      throw new MobilizeException(ErrorCode.INVALID_MODEL, "the file has no graph (is it an ONNX model?)");
    }
    Map<String, Long> opsets = new LinkedHashMap<>();
    for (OperatorSetIdProto o : m.getOpsetImportList()) {
      String domain = o.getDomain().equals("ai.onnx") ? "" : o.getDomain();
      opsets.put(domain, o.getVersion());
    }
    if (opsets.isEmpty()) {
      opsets.put("", 1L); // IR version 1 files carry no opset import
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    for (StringStringEntryProto e : m.getMetadataPropsList()) {
      metadata.put(e.getKey(), e.getValue());
    }
    if (!m.getDomain().isEmpty()) {
      metadata.putIfAbsent("onnx.domain", m.getDomain());
    }
    if (m.getModelVersion() != 0) {
      metadata.putIfAbsent("onnx.model_version", Long.toString(m.getModelVersion()));
    }
    return new Model(graph(m.getGraph()), opsets, m.getIrVersion(), m.getProducerName(), m.getProducerVersion(),
        m.getDocString(), metadata);
  }

  Graph graph(GraphProto g) {
    if (g.getSparseInitializerCount() > 0) {
      throw new MobilizeException(ErrorCode.UNSUPPORTED_OP,
          "graph '" + g.getName() + "' has sparse initializers, which are not supported; densify them first");
    }
    Graph.Builder b = Graph.builder(g.getName()).docString(g.getDocString());
    Set<String> initializerNames = new HashSet<>();
    for (TensorProto t : g.getInitializerList()) {
      if (t.getName().isEmpty()) {
        throw new MobilizeException(ErrorCode.INVALID_MODEL, "graph '" + g.getName() + "' has an initializer without a name");
      }
      b.initializer(t.getName(), OnnxTensors.toTensor(t, external));
      initializerNames.add(t.getName());
    }
    for (ValueInfoProto v : g.getInputList()) {
      if (!initializerNames.contains(v.getName())) { // IR < 4 lists initializers among the inputs
        b.input(valueInfo(v, true));
      }
    }
    for (ValueInfoProto v : g.getOutputList()) {
      b.output(valueInfo(v, true));
    }
    for (ValueInfoProto v : g.getValueInfoList()) {
      ValueInfo vi = valueInfo(v, false);
      if (vi != null) {
        b.valueInfo(vi);
      }
    }
    for (NodeProto n : g.getNodeList()) {
      b.node(node(n));
    }
    return b.build();
  }

  private Node node(NodeProto n) {
    Node.Builder b = Node.builder(n.getOpType().isEmpty() ? "?" : n.getOpType()).name(n.getName())
        .domain(n.getDomain()).inputs(n.getInputList()).outputs(n.getOutputList()).docString(n.getDocString());
    if (n.getOpType().isEmpty()) {
      throw new MobilizeException(ErrorCode.INVALID_MODEL,
          "node '" + n.getName() + "' producing " + n.getOutputList() + " has no op_type");
    }
    Attributes.Builder attrs = Attributes.builder();
    for (AttributeProto a : n.getAttributeList()) {
      try {
        attrs.set(a.getName(), attribute(a));
      } catch (MobilizeException e) {
        throw MobilizeException.atNode(b.build(), e.code(), e.detail());
      }
    }
    return b.attributes(attrs.build()).build();
  }

  private Attribute attribute(AttributeProto a) {
    if (!a.getRefAttrName().isEmpty()) {
      throw new MobilizeException(ErrorCode.UNSUPPORTED_OP,
          "attribute '" + a.getName() + "' refers to a function attribute; model-local functions are not supported");
    }
    AttributeProto.AttributeType type = a.hasType() ? a.getType() : guessType(a);
    return switch (type) {
      case FLOAT -> new Attribute.Float(a.getF());
      case INT -> new Attribute.Int(a.getI());
      case STRING -> new Attribute.Str(a.getS().toStringUtf8());
      case TENSOR -> new Attribute.TensorValue(OnnxTensors.toTensor(a.getT(), external));
      case GRAPH -> new Attribute.GraphValue(graph(a.getG()));
      case FLOATS -> {
        float[] f = new float[a.getFloatsCount()];
        for (int i = 0; i < f.length; i++) {
          f[i] = a.getFloats(i);
        }
        yield new Attribute.Floats(f);
      }
      case INTS -> new Attribute.Ints(a.getIntsList().stream().mapToLong(Long::longValue).toArray());
      case STRINGS -> {
        List<String> s = new ArrayList<>();
        for (ByteString bs : a.getStringsList()) {
          s.add(bs.toStringUtf8());
        }
        yield new Attribute.Strs(s);
      }
      case TENSORS -> {
        List<Tensor> list = new ArrayList<>();
        for (TensorProto t : a.getTensorsList()) {
          list.add(OnnxTensors.toTensor(t, external));
        }
        yield new Attribute.Tensors(list);
      }
      case GRAPHS -> {
        List<Graph> list = new ArrayList<>();
        for (GraphProto g : a.getGraphsList()) {
          list.add(graph(g));
        }
        yield new Attribute.Graphs(list);
      }
      default -> throw new MobilizeException(ErrorCode.UNSUPPORTED_OP,
          "attribute '" + a.getName() + "' has type " + type + ", which is not supported");
    };
  }

  /** Files written before IR version 2 may leave the attribute type out; the set field tells it. */
  private static AttributeProto.AttributeType guessType(AttributeProto a) {
    if (a.hasF()) {
      return AttributeProto.AttributeType.FLOAT;
    } else if (a.hasI()) {
      return AttributeProto.AttributeType.INT;
    } else if (a.hasS()) {
      return AttributeProto.AttributeType.STRING;
    } else if (a.hasT()) {
      return AttributeProto.AttributeType.TENSOR;
    } else if (a.hasG()) {
      return AttributeProto.AttributeType.GRAPH;
    } else if (a.getFloatsCount() > 0) {
      return AttributeProto.AttributeType.FLOATS;
    } else if (a.getStringsCount() > 0) {
      return AttributeProto.AttributeType.STRINGS;
    } else if (a.getTensorsCount() > 0) {
      return AttributeProto.AttributeType.TENSORS;
    } else if (a.getGraphsCount() > 0) {
      return AttributeProto.AttributeType.GRAPHS;
    }
    return AttributeProto.AttributeType.INTS;
  }

  /** The IR value info; null for non-tensor intermediate values (which carry no shape the IR can use). */
  private ValueInfo valueInfo(ValueInfoProto v, boolean required) {
    if (v.getName().isEmpty()) {
      throw new MobilizeException(ErrorCode.INVALID_MODEL, "a graph input or output has no name");
    }
    if (!v.hasType()) {
      return ValueInfo.unknown(v.getName());
    }
    TypeProto t = v.getType();
    if (!t.hasTensorType()) {
      if (!required) {
        return null;
      }
      throw new MobilizeException(ErrorCode.UNSUPPORTED_OP, "value '" + v.getName() + "' has type "
          + t.getValueCase() + "; only tensors are supported as graph inputs and outputs");
    }
    TypeProto.Tensor tt = t.getTensorType();
    DataType type;
    try {
      type = DataType.fromCode(tt.getElemType());
    } catch (IllegalArgumentException e) {
      throw new MobilizeException(ErrorCode.UNSUPPORTED_OP,
          "value '" + v.getName() + "' has element type " + tt.getElemType() + ", which Mobilize does not know");
    }
    return new ValueInfo(v.getName(), type, tt.hasShape() ? shape(tt.getShape()) : Shape.UNKNOWN);
  }

  private Shape shape(TensorShapeProto s) {
    List<Dim> dims = new ArrayList<>(s.getDimCount());
    for (TensorShapeProto.Dimension d : s.getDimList()) {
      if (d.hasDimValue()) {
        if (d.getDimValue() < 0) {
          // some exporters write -1 for "unknown"
          dims.add(Dim.symbol("unk_" + unnamedDims++));
        } else {
          dims.add(Dim.of(d.getDimValue()));
        }
      } else if (d.hasDimParam() && !d.getDimParam().isEmpty()) {
        dims.add(Dim.symbol(d.getDimParam()));
      } else {
        dims.add(Dim.symbol("unk_" + unnamedDims++));
      }
    }
    return Shape.of(dims);
  }
}
