package dev.mobilize.cpu;

import static org.junit.jupiter.api.Assertions.assertNull;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Tensor;
import dev.mobilize.onnx.OnnxImporter;
import dev.mobilize.onnx.proto.Onnx;
import dev.mobilize.service.Options;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Single-operator graphs built here, run in ONNX Runtime and in the cpu executor, compared with tolerance. */
class OrtOracleTest {

  @TempDir
  Path tmp;

  private final Random random = new Random(42);

  /** A single-node float model: inputs (name, shape) fed at run time, constant weights as initializers. */
  private final class Case {
    final String op;
    final Map<String, long[]> inputs = new LinkedHashMap<>();
    final Map<String, float[]> data = new LinkedHashMap<>();
    final Map<String, long[]> constShapes = new LinkedHashMap<>();
    final Map<String, float[]> constData = new LinkedHashMap<>();
    final List<Onnx.AttributeProto> attrs = new ArrayList<>();
    final List<String> nodeInputs = new ArrayList<>();

    Case(String op) {
      this.op = op;
    }

    Case input(String name, long... shape) {
      inputs.put(name, shape);
      data.put(name, randoms((int) numel(shape)));
      nodeInputs.add(name);
      return this;
    }

    Case weight(String name, long... shape) {
      constShapes.put(name, shape);
      constData.put(name, randoms((int) numel(shape)));
      nodeInputs.add(name);
      return this;
    }

    Case ints(String name, long... v) {
      Onnx.AttributeProto.Builder b = Onnx.AttributeProto.newBuilder().setName(name)
          .setType(Onnx.AttributeProto.AttributeType.INTS);
      for (long x : v) {
        b.addInts(x);
      }
      attrs.add(b.build());
      return this;
    }

    Case i(String name, long v) {
      attrs.add(Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT).setI(v).build());
      return this;
    }

    Case f(String name, float v) {
      attrs.add(Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.FLOAT).setF(v).build());
      return this;
    }

    Case s(String name, String v) {
      attrs.add(Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.STRING)
          .setS(com.google.protobuf.ByteString.copyFromUtf8(v)).build());
      return this;
    }

    byte[] model() {
      Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName(op);
      Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(op).setName(op.toLowerCase())
          .addAllInput(nodeInputs).addOutput("y").addAllAttribute(attrs);
      g.addNode(n);
      inputs.forEach((name, shape) -> g.addInput(valueInfo(name, shape)));
      constShapes.forEach((name, shape) -> {
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(1);
        for (long d : shape) {
          t.addDims(d);
        }
        for (float v : constData.get(name)) {
          t.addFloatData(v);
        }
        g.addInitializer(t);
      });
      g.addOutput(Onnx.ValueInfoProto.newBuilder().setName("y").setType(Onnx.TypeProto.newBuilder()
          .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1))));
      return Onnx.ModelProto.newBuilder().setIrVersion(8).setProducerName("test")
          .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
          .setGraph(g).build().toByteArray();
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder(op).append('(');
      inputs.forEach((k, v) -> sb.append(k).append(java.util.Arrays.toString(v)).append(' '));
      constShapes.forEach((k, v) -> sb.append(k).append(java.util.Arrays.toString(v)).append(' '));
      attrs.forEach(a -> sb.append(a.getName()).append('=').append(a.getType() == Onnx.AttributeProto.AttributeType.INTS
          ? a.getIntsList() : a.getType() == Onnx.AttributeProto.AttributeType.INT ? a.getI()
          : a.getType() == Onnx.AttributeProto.AttributeType.FLOAT ? a.getF() : a.getS().toStringUtf8()).append(' '));
      return sb.append(')').toString();
    }
  }

  private static Onnx.ValueInfoProto valueInfo(String name, long[] shape) {
    Onnx.TensorShapeProto.Builder s = Onnx.TensorShapeProto.newBuilder();
    for (long d : shape) {
      s.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
        .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
  }

  private float[] randoms(int n) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) random.nextGaussian();
    }
    return f;
  }

  private static long numel(long[] s) {
    long n = 1;
    for (long d : s) {
      n *= d;
    }
    return n;
  }

  private void check(Case c) throws Exception {
    byte[] bytes = c.model();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    float[] expected;
    long[] expectedShape;
    try (OrtSession s = env.createSession(bytes, new OrtSession.SessionOptions())) {
      Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
      for (var e : c.inputs.entrySet()) {
        feeds.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(c.data.get(e.getKey())), e.getValue()));
      }
      try (OrtSession.Result r = s.run(feeds)) {
        OnnxTensor t = (OnnxTensor) r.get(0);
        expectedShape = t.getInfo().getShape();
        FloatBuffer fb = t.getFloatBuffer();
        expected = new float[fb.remaining()];
        fb.get(expected);
      }
      feeds.values().forEach(OnnxTensor::close);
    }
    Path file = tmp.resolve(c.op + random.nextInt(1_000_000) + ".onnx");
    Files.write(file, bytes);
    Model m = new OnnxImporter().read(file, Options.NONE);
    Map<String, Tensor> in = new LinkedHashMap<>();
    c.inputs.forEach((k, v) -> in.put(k, Tensor.ofFloats(v, c.data.get(k))));
    try (CpuPreparedModel p = new CpuGraphExecutor().prepare(m, Options.of(Map.of("threads", "2")))) {
      Tensor y = p.run(in).get("y");
      assertNull(Compare.mismatch(Tensor.ofFloats(expectedShape, expected), y, 1e-4, 1e-4), c::toString);
    }
  }

  @Test
  void convSweep() throws Exception {
    int[][] cases = { // c, m, group, k, stride, pad, dilation, h
        {3, 8, 1, 3, 1, 1, 1, 9}, {4, 6, 2, 3, 2, 0, 1, 10}, {8, 8, 8, 3, 1, 1, 1, 7}, {8, 8, 8, 3, 2, 1, 1, 8},
        {5, 7, 1, 1, 1, 0, 1, 6}, {6, 4, 1, 5, 3, 2, 1, 11}, {4, 4, 1, 3, 1, 2, 2, 9}, {16, 16, 16, 5, 2, 2, 1, 13},
        {9, 18, 9, 3, 1, 0, 1, 5}, {3, 33, 1, 2, 1, 0, 1, 20}};
    for (int[] k : cases) {
      Case c = new Case("Conv").input("x", 2, k[0], k[7], k[7] + 1).weight("w", k[1], k[0] / k[2], k[3], k[3])
          .weight("b", k[1]).i("group", k[2]).ints("strides", k[4], k[4]).ints("pads", k[5], k[5], k[5], k[5])
          .ints("dilations", k[6], k[6]);
      check(c);
    }
    for (String pad : new String[] {"SAME_UPPER", "SAME_LOWER", "VALID"}) {
      check(new Case("Conv").input("x", 1, 3, 7, 8).weight("w", 4, 3, 3, 3).ints("strides", 2, 2).s("auto_pad", pad));
    }
    check(new Case("Conv").input("x", 1, 3, 17).weight("w", 5, 3, 4).ints("pads", 1, 2).ints("strides", 2));
  }

  @Test
  void poolSweep() throws Exception {
    for (String op : new String[] {"MaxPool", "AveragePool"}) {
      for (int ceil = 0; ceil < 2; ceil++) {
        for (int inc = 0; inc < 2; inc++) {
          Case c = new Case(op).input("x", 1, 3, 9, 10).ints("kernel_shape", 3, 3).ints("strides", 2, 2)
              .ints("pads", 1, 0, 1, 1).i("ceil_mode", ceil);
          if (op.equals("AveragePool")) {
            c.i("count_include_pad", inc);
          } else if (inc == 1) {
            c.ints("dilations", 2, 1);
          }
          check(c);
        }
      }
    }
    check(new Case("GlobalAveragePool").input("x", 2, 5, 4, 3));
  }

  @Test
  void matrices() throws Exception {
    check(new Case("Gemm").input("a", 3, 5).weight("b", 7, 5).weight("c", 7).i("transB", 1).f("alpha", 0.5f).f("beta", 2f));
    check(new Case("Gemm").input("a", 5, 3).weight("b", 5, 9).i("transA", 1));
    check(new Case("MatMul").input("a", 2, 1, 4, 6).input("b", 3, 6, 5));
    check(new Case("MatMul").input("a", 7).input("b", 2, 7, 3));
  }

  @Test
  void resizeModes() throws Exception {
    for (String mode : new String[] {"nearest", "linear", "cubic"}) {
      for (String ctm : new String[] {"half_pixel", "align_corners", "asymmetric", "pytorch_half_pixel"}) {
        Case c = new Case("Resize").input("x", 1, 2, 4, 5);
        c.nodeInputs.add("");
        c.constShapes.put("scales", new long[] {4});
        c.constData.put("scales", new float[] {1, 1, 1.5f, 0.8f});
        c.nodeInputs.add("scales");
        c.s("mode", mode).s("coordinate_transformation_mode", ctm);
        check(c);
      }
    }
  }

  @Test
  void normsAndSoftmax() throws Exception {
    check(new Case("BatchNormalization").input("x", 2, 3, 4, 5).weight("s", 3).weight("b", 3).weight("m", 3)
        .input("v", 3).f("epsilon", 1e-3f));
    check(new Case("Softmax").input("x", 3, 4, 5).i("axis", 1));
    check(new Case("LogSoftmax").input("x", 3, 4, 5));
    check(new Case("InstanceNormalization").input("x", 2, 3, 6).weight("s", 3).weight("b", 3));
  }
}
