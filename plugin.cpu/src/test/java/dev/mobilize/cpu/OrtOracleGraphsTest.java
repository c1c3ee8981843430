package dev.mobilize.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.mobilize.ir.DataType;
import dev.mobilize.ir.Model;
import dev.mobilize.ir.Tensor;
import dev.mobilize.onnx.OnnxImporter;
import dev.mobilize.onnx.proto.Onnx;
import dev.mobilize.service.Options;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graphs with several outputs, integer and bool inputs or subgraphs (ConvTranspose, RNN/GRU/LSTM,
 * Loop, Scan, NonMaxSuppression, Einsum), built here as ONNX protos, run in ONNX Runtime and in the
 * cpu executor and compared output by output.
 */
class OrtOracleGraphsTest {

  private static final int FLOAT = 1;
  private static final int INT32 = 6;
  private static final int INT64 = 7;
  private static final int BOOL = 9;

  @TempDir
  Path tmp;

  private final Random random = new Random(7);

  /** A graph input fed at run time: elem type, shape and data (floats, or longs for int64/bool). */
  private record Feed(String name, int type, long[] shape, float[] f, long[] l) {}

  /** A graph under construction: nodes, fed inputs, initializers and the outputs compared. */
  private final class Net {
    final Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName("net");
    final List<Feed> feeds = new ArrayList<>();
    String label = "";

    Net node(String op, String in, String out, Onnx.AttributeProto... attrs) {
      g.addNode(OrtOracleGraphsTest.node(op, in, out, List.of(attrs)));
      label += op + "(" + in + ")" + attrsText(List.of(attrs)) + " ";
      return this;
    }

    Net floats(String name, long... shape) {
      Feed f = new Feed(name, FLOAT, shape, randoms((int) numel(shape)), null);
      feeds.add(f);
      g.addInput(valueInfo(name, FLOAT, shape));
      return this;
    }

    Net longs(String name, long[] shape, long... values) {
      return integers(name, INT64, shape, values);
    }

    Net integers(String name, int type, long[] shape, long... values) {
      feeds.add(new Feed(name, type, shape, null, values));
      g.addInput(valueInfo(name, type, shape));
      return this;
    }

    Net constFloats(String name, long[] shape, float... values) {
      Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(FLOAT);
      for (long d : shape) {
        t.addDims(d);
      }
      for (float v : values) {
        t.addFloatData(v);
      }
      g.addInitializer(t);
      return this;
    }

    Net weight(String name, long... shape) {
      return constFloats(name, shape, randoms((int) numel(shape)));
    }

    Net output(String... names) {
      for (String n : names) {
        g.addOutput(Onnx.ValueInfoProto.newBuilder().setName(n));
      }
      return this;
    }

    /** Output elem types are needed by ORT; set them (FLOAT unless listed). */
    Net outputType(String name, int type) {
      for (int i = 0; i < g.getOutputCount(); i++) {
        if (g.getOutput(i).getName().equals(name)) {
          g.setOutput(i, valueInfo(name, type, null));
        }
      }
      return this;
    }
  }

  private static Onnx.NodeProto node(String op, String in, String out, List<Onnx.AttributeProto> attrs) {
    return Onnx.NodeProto.newBuilder().setOpType(op).setName(op.toLowerCase() + "_" + out.replace(',', '_'))
        .addAllInput(List.of(in.split(",", -1))).addAllOutput(List.of(out.split(",", -1))).addAllAttribute(attrs)
        .build();
  }

  private static String attrsText(List<Onnx.AttributeProto> attrs) {
    StringBuilder sb = new StringBuilder();
    for (Onnx.AttributeProto a : attrs) {
      sb.append(a.getName()).append('=').append(switch (a.getType()) {
        case INT -> String.valueOf(a.getI());
        case INTS -> a.getIntsList().toString();
        case FLOAT -> String.valueOf(a.getF());
        case FLOATS -> a.getFloatsList().toString();
        case STRING -> a.getS().toStringUtf8();
        case STRINGS -> a.getStringsList().stream().map(com.google.protobuf.ByteString::toStringUtf8).toList().toString();
        default -> "<graph>";
      }).append(' ');
    }
    return sb.length() == 0 ? "" : "{" + sb.toString().trim() + "}";
  }

  static Onnx.AttributeProto attr(String name, Object v) {
    Onnx.AttributeProto.Builder b = Onnx.AttributeProto.newBuilder().setName(name);
    if (v instanceof Integer i) {
      b.setType(Onnx.AttributeProto.AttributeType.INT).setI(i);
    } else if (v instanceof Long i) {
      b.setType(Onnx.AttributeProto.AttributeType.INT).setI(i);
    } else if (v instanceof Float f) {
      b.setType(Onnx.AttributeProto.AttributeType.FLOAT).setF(f);
    } else if (v instanceof String s) {
      b.setType(Onnx.AttributeProto.AttributeType.STRING).setS(com.google.protobuf.ByteString.copyFromUtf8(s));
    } else if (v instanceof long[] ls) {
      b.setType(Onnx.AttributeProto.AttributeType.INTS);
      for (long x : ls) {
        b.addInts(x);
      }
    } else if (v instanceof float[] fs) {
      b.setType(Onnx.AttributeProto.AttributeType.FLOATS);
      for (float x : fs) {
        b.addFloats(x);
      }
    } else if (v instanceof String[] ss) {
      b.setType(Onnx.AttributeProto.AttributeType.STRINGS);
      for (String x : ss) {
        b.addStrings(com.google.protobuf.ByteString.copyFromUtf8(x));
      }
    } else if (v instanceof Onnx.GraphProto g) {
      b.setType(Onnx.AttributeProto.AttributeType.GRAPH).setG(g);
    } else {
      throw new IllegalArgumentException(String.valueOf(v));
    }
    return b.build();
  }

  private static long[] ints(long... v) {
    return v;
  }

  private static Onnx.ValueInfoProto valueInfo(String name, int type, long[] shape) {
    Onnx.TypeProto.Tensor.Builder t = Onnx.TypeProto.Tensor.newBuilder().setElemType(type);
    if (shape != null) {
      Onnx.TensorShapeProto.Builder s = Onnx.TensorShapeProto.newBuilder();
      for (long d : shape) {
        s.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
      }
      t.setShape(s);
    }
    return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder().setTensorType(t)).build();
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

  private void check(Net net) throws Exception {
    check(net, 17, 1e-4);
  }

  private void check(Net net, int opset, double tol) throws Exception {
    for (int i = 0; i < net.g.getOutputCount(); i++) {
      if (!net.g.getOutput(i).hasType()) {
        net.g.setOutput(i, valueInfo(net.g.getOutput(i).getName(), FLOAT, null));
      }
    }
    byte[] bytes = Onnx.ModelProto.newBuilder().setIrVersion(8).setProducerName("test")
        .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(net.g).build().toByteArray();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Map<String, Tensor> expected = new LinkedHashMap<>();
    try (OrtSession s = env.createSession(bytes, new OrtSession.SessionOptions())) {
      Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
      for (Feed f : net.feeds) {
        feeds.put(f.name(), switch (f.type()) {
          case FLOAT -> OnnxTensor.createTensor(env, FloatBuffer.wrap(f.f()), f.shape());
          case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap(f.l()), f.shape());
          case INT32 -> OnnxTensor.createTensor(env, java.nio.IntBuffer.wrap(
              java.util.Arrays.stream(f.l()).mapToInt(v -> (int) v).toArray()), f.shape());
          default -> {
            ByteBuffer b = ByteBuffer.allocateDirect(f.l().length).order(ByteOrder.nativeOrder());
            for (long v : f.l()) {
              b.put((byte) v);
            }
            b.rewind();
            yield OnnxTensor.createTensor(env, b, f.shape(), OnnxJavaType.BOOL);
          }
        });
      }
      try (OrtSession.Result r = s.run(feeds)) {
        for (int i = 0; i < net.g.getOutputCount(); i++) {
          OnnxTensor t = (OnnxTensor) r.get(i);
          long[] shape = t.getInfo().getShape();
          if (t.getInfo().type == OnnxJavaType.INT64) {
            LongBuffer lb = t.getLongBuffer();
            long[] v = new long[lb.remaining()];
            lb.get(v);
            expected.put(net.g.getOutput(i).getName(), Tensor.ofLongs(shape, v));
          } else {
            FloatBuffer fb = t.getFloatBuffer();
            float[] v = new float[fb.remaining()];
            fb.get(v);
            expected.put(net.g.getOutput(i).getName(), Tensor.ofFloats(shape, v));
          }
        }
      }
      feeds.values().forEach(OnnxTensor::close);
    }
    Path file = tmp.resolve("net" + random.nextInt(1_000_000) + ".onnx");
    Files.write(file, bytes);
    Model m = new OnnxImporter().read(file, Options.NONE);
    Map<String, Tensor> in = new LinkedHashMap<>();
    for (Feed f : net.feeds) {
      in.put(f.name(), switch (f.type()) {
        case FLOAT -> Tensor.ofFloats(f.shape(), f.f());
        case INT64 -> Tensor.ofLongs(f.shape(), f.l());
        case INT32 -> Tensor.ofInts(f.shape(), java.util.Arrays.stream(f.l()).mapToInt(v -> (int) v).toArray());
        default -> {
          byte[] b = new byte[f.l().length];
          for (int i = 0; i < b.length; i++) {
            b[i] = (byte) f.l()[i];
          }
          yield Tensor.of(DataType.BOOL, f.shape(), b);
        }
      });
    }
    try (CpuPreparedModel p = new CpuGraphExecutor().prepare(m, Options.of(Map.of("threads", "2")))) {
      Map<String, Tensor> actual = p.run(in);
      for (Map.Entry<String, Tensor> e : expected.entrySet()) {
        assertNull(Compare.mismatch(e.getValue(), actual.get(e.getKey()), tol, tol),
            () -> net.label + "output " + e.getKey());
      }
    }
  }

  @Test
  void convTransposeSweep() throws Exception {
    // c, m, group, k, stride, pad, dilation, output_padding, h
    int[][] cases = {{3, 4, 1, 3, 1, 1, 1, 0, 5}, {4, 6, 2, 3, 2, 1, 1, 1, 6}, {2, 3, 1, 4, 2, 1, 1, 0, 7},
        {6, 6, 3, 2, 2, 0, 1, 0, 4}, {3, 2, 1, 3, 3, 0, 2, 2, 5}, {8, 8, 8, 3, 2, 1, 1, 1, 5},
        {5, 7, 1, 1, 1, 0, 1, 0, 6}, {4, 4, 2, 5, 3, 2, 1, 1, 9}};
    for (int[] k : cases) {
      Net net = new Net().floats("x", 2, k[0], k[8], k[8] + 1).weight("w", k[0], k[1] / k[2], k[3], k[3])
          .weight("b", k[1]);
      net.node("ConvTranspose", "x,w,b", "y", attr("group", k[2]), attr("strides", ints(k[4], k[4])),
          attr("pads", ints(k[5], k[5], k[5], k[5])), attr("dilations", ints(k[6], k[6])),
          attr("output_padding", ints(k[7], k[7]))).output("y");
      check(net);
    }
    for (String pad : new String[] {"SAME_UPPER", "SAME_LOWER", "VALID"}) {
      check(new Net().floats("x", 1, 3, 4, 5).weight("w", 3, 2, 3, 3)
          .node("ConvTranspose", "x,w", "y", attr("strides", ints(2, 2)), attr("auto_pad", pad)).output("y"));
    }
    check(new Net().floats("x", 1, 2, 3, 4).weight("w", 2, 3, 3, 3)
        .node("ConvTranspose", "x,w", "y", attr("strides", ints(2, 3)), attr("output_shape", ints(8, 12))).output("y"));
    // 1-D and 3-D
    check(new Net().floats("x", 2, 3, 7).weight("w", 3, 4, 3).weight("b", 4)
        .node("ConvTranspose", "x,w,b", "y", attr("strides", ints(2)), attr("pads", ints(1, 0))).output("y"));
    check(new Net().floats("x", 1, 4, 3, 4, 5).weight("w", 4, 2, 2, 3, 3)
        .node("ConvTranspose", "x,w", "y", attr("group", 2), attr("strides", ints(1, 2, 2)),
            attr("pads", ints(0, 1, 1, 1, 0, 1)), attr("dilations", ints(2, 1, 1))).output("y"));
  }

  @Test
  void convTransposeFollowedByActivationIsFused() throws Exception {
    // the executor rewrites these to mobilize.FusedConvTranspose (FuseForCpu)
    check(new Net().floats("x", 1, 4, 5, 5).weight("w", 4, 3, 3, 3).weight("b", 3)
        .node("ConvTranspose", "x,w,b", "c", attr("strides", ints(2, 2)), attr("pads", ints(1, 1, 1, 1)))
        .node("Relu", "c", "y").output("y"));
    check(new Net().floats("x", 1, 4, 5, 5).weight("w", 4, 3, 3, 3)
        .node("ConvTranspose", "x,w", "c", attr("strides", ints(2, 2)))
        .node("LeakyRelu", "c", "y", attr("alpha", 0.2f)).output("y"));
    check(new Net().floats("x", 1, 4, 5, 5).weight("w", 4, 3, 3, 3)
        .node("ConvTranspose", "x,w", "c")
        .node("HardSigmoid", "c", "y").output("y"));
  }

  /** X [seq, batch, input] (layout 0), W/R/B for the op's gates, optional lens and initial states. */
  private Net recurrent(String op, String direction, int seq, int batch, int input, int hidden, boolean bias,
      long[] lens, boolean initial, boolean peepholes, Onnx.AttributeProto... extra) {
    int gates = switch (op) {
      case "LSTM" -> 4;
      case "GRU" -> 3;
      default -> 1;
    };
    int dirs = direction.equals("bidirectional") ? 2 : 1;
    Net net = new Net().floats("x", seq, batch, input).weight("w", dirs, gates * hidden, input)
        .weight("r", dirs, gates * hidden, hidden);
    StringBuilder in = new StringBuilder("x,w,r,");
    if (bias) {
      net.weight("b", dirs, 2 * gates * hidden);
      in.append("b");
    }
    in.append(',');
    if (lens != null) {
      net.integers("lens", INT32, new long[] {batch}, lens);
      in.append("lens");
    }
    in.append(',');
    if (initial) {
      net.floats("h0", dirs, batch, hidden);
      in.append("h0");
    }
    if (op.equals("LSTM")) {
      in.append(',');
      if (initial) {
        net.floats("c0", dirs, batch, hidden);
        in.append("c0");
      }
      in.append(',');
      if (peepholes) {
        net.weight("p", dirs, 3 * hidden);
        in.append("p");
      }
    }
    List<Onnx.AttributeProto> attrs = new ArrayList<>(List.of(attr("hidden_size", hidden),
        attr("direction", direction)));
    attrs.addAll(List.of(extra));
    String outs = op.equals("LSTM") ? "y,yh,yc" : "y,yh";
    net.node(op, in.toString(), outs, attrs.toArray(new Onnx.AttributeProto[0])).output(outs.split(","));
    return net;
  }

  @Test
  void recurrentSweep() throws Exception {
    for (String op : new String[] {"RNN", "GRU", "LSTM"}) {
      for (String dir : new String[] {"forward", "reverse", "bidirectional"}) {
        check(recurrent(op, dir, 5, 3, 4, 6, true, null, false, false));
        check(recurrent(op, dir, 6, 4, 3, 5, true, new long[] {6, 2, 4, 1}, true, op.equals("LSTM")));
        check(recurrent(op, dir, 4, 2, 5, 3, false, new long[] {3, 4}, true, false));
      }
    }
    check(recurrent("GRU", "bidirectional", 5, 3, 4, 6, true, new long[] {5, 3, 1}, true, false,
        attr("linear_before_reset", 1)));
    check(recurrent("GRU", "forward", 5, 3, 4, 6, true, null, false, false, attr("clip", 0.5f)));
    check(recurrent("LSTM", "bidirectional", 5, 3, 4, 6, true, null, true, true, attr("clip", 0.7f)));
    check(recurrent("LSTM", "forward", 5, 3, 4, 6, true, null, true, false, attr("input_forget", 1)));
    // every activation here takes alpha (and beta where given): ORT's RNN reads activation_alpha by
    // activation position, the spec consumes the values in order; these cases mean the same either way
    check(recurrent("RNN", "bidirectional", 5, 3, 4, 6, true, null, true, false,
        attr("activations", new String[] {"LeakyRelu", "Elu"}), attr("activation_alpha", new float[] {0.3f, 0.8f})));
    check(recurrent("GRU", "forward", 5, 3, 4, 6, true, null, true, false,
        attr("activations", new String[] {"HardSigmoid", "ScaledTanh"}),
        attr("activation_alpha", new float[] {0.3f, 1.2f}), attr("activation_beta", new float[] {0.4f, 0.9f})));
    check(recurrent("LSTM", "forward", 5, 3, 4, 6, true, null, true, true,
        attr("activations", new String[] {"HardSigmoid", "Affine", "ScaledTanh"}),
        attr("activation_alpha", new float[] {0.3f, 1.5f, 0.8f}), attr("activation_beta", new float[] {0.4f, 0.2f, 0.7f})));
    check(recurrent("GRU", "reverse", 5, 3, 4, 6, true, null, true, false,
        attr("activations", new String[] {"Sigmoid", "Softsign"})));
    check(recurrent("RNN", "forward", 5, 3, 4, 6, true, null, true, false,
        attr("activations", new String[] {"Softplus"})));
  }

  /** A tensor-typed subgraph value info without shape. */
  private static Onnx.ValueInfoProto sub(String name, int type) {
    return valueInfo(name, type, null);
  }

  @Test
  void loopWithCarriedScanAndOuterValues() throws Exception {
    // body: (i, cond, acc) -> (acc' < limit, acc' = acc * scale + i, scan = acc' + bias)
    Onnx.GraphProto body = Onnx.GraphProto.newBuilder().setName("body")
        .addInput(valueInfo("i", INT64, new long[0])).addInput(valueInfo("c", BOOL, new long[0]))
        .addInput(sub("acc", FLOAT))
        .addNode(node("Cast", "i", "fi", List.of(attr("to", FLOAT))))
        .addNode(node("Mul", "acc,scale", "m", List.of()))
        .addNode(node("Add", "m,fi", "acc2", List.of()))
        .addNode(node("Add", "acc2,bias", "s", List.of()))
        .addNode(node("ReduceSum", "acc2", "tot", List.of(attr("keepdims", 0))))
        .addNode(node("Less", "tot,limit", "c2", List.of()))
        .addOutput(sub("c2", BOOL)).addOutput(sub("acc2", FLOAT)).addOutput(sub("s", FLOAT)).build();
    // (no zero-trip case: ORT then gives scan outputs the shape [0], the cpu executor [0, 2, 3] from
    // the body's inferred output shape; see HandComputedKernelsTest)
    for (long trips : new long[] {1, 3, 20}) {
      Net net = new Net().longs("M", new long[0], trips).floats("acc0", 2, 3).floats("bias", 3)
          .constFloats("scale", new long[0], 1.1f).constFloats("limit", new long[0], 40f)
          .node("Loop", "M,,acc0", "accN,scans", attr("body", body)).output("accN", "scans");
      check(net, 17, 1e-4);
    }
  }

  @Test
  void scanWithAxesAndDirections() throws Exception {
    // body: (sum, x_t, z_t) -> (sum + x_t, sum * 2, x_t - z_t)
    Onnx.GraphProto body = Onnx.GraphProto.newBuilder().setName("body")
        .addInput(sub("sum", FLOAT)).addInput(sub("xt", FLOAT)).addInput(sub("zt", FLOAT))
        .addNode(node("Add", "sum,xt", "sum2", List.of()))
        .addNode(node("Mul", "sum,two", "o1", List.of()))
        .addNode(node("Sub", "xt,zt", "o2", List.of()))
        .addOutput(sub("sum2", FLOAT)).addOutput(sub("o1", FLOAT)).addOutput(sub("o2", FLOAT)).build();
    check(new Net().floats("s0", 3).floats("x", 5, 3).floats("z", 5, 3).constFloats("two", new long[0], 2f)
        .node("Scan", "s0,x,z", "sN,y1,y2", attr("body", body), attr("num_scan_inputs", 2)).output("sN", "y1", "y2"));
    check(new Net().floats("s0", 3).floats("x", 3, 4).floats("z", 4, 3).constFloats("two", new long[0], 2f)
        .node("Scan", "s0,x,z", "sN,y1,y2", attr("body", body), attr("num_scan_inputs", 2),
            attr("scan_input_axes", ints(1, 0)), attr("scan_input_directions", ints(1, 0)),
            attr("scan_output_axes", ints(1, -1)), attr("scan_output_directions", ints(0, 1)))
        .output("sN", "y1", "y2"));
  }

  @Test
  void nonMaxSuppressionSweep() throws Exception {
    for (int center = 0; center < 2; center++) {
      for (float scoreThreshold : new float[] {Float.NaN, 0.2f}) {
        Net net = new Net();
        float[] boxes = new float[2 * 30 * 4];
        for (int i = 0; i < 60; i++) {
          float a = random.nextFloat() * 10;
          float b = random.nextFloat() * 10;
          float w = 1 + random.nextFloat() * 4;
          float h = 1 + random.nextFloat() * 4;
          float[] box = center == 1 ? new float[] {a, b, w, h}
              : random.nextBoolean() ? new float[] {a, b, a + h, b + w} : new float[] {a + h, b + w, a, b};
          System.arraycopy(box, 0, boxes, i * 4, 4);
        }
        net.feeds.add(new Feed("boxes", FLOAT, new long[] {2, 30, 4}, boxes, null));
        net.g.addInput(valueInfo("boxes", FLOAT, new long[] {2, 30, 4}));
        float[] scores = new float[2 * 3 * 30];
        for (int i = 0; i < scores.length; i++) {
          scores[i] = random.nextInt(20) / 20f; // ties on purpose
        }
        net.feeds.add(new Feed("scores", FLOAT, new long[] {2, 3, 30}, scores, null));
        net.g.addInput(valueInfo("scores", FLOAT, new long[] {2, 3, 30}));
        net.longs("max", new long[] {1}, 7).constFloats("iou", new long[] {1}, 0.3f);
        String in = "boxes,scores,max,iou";
        if (!Float.isNaN(scoreThreshold)) {
          net.constFloats("st", new long[] {1}, scoreThreshold);
          in += ",st";
        }
        net.node("NonMaxSuppression", in, "sel", attr("center_point_box", center)).output("sel")
            .outputType("sel", INT64);
        check(net);
      }
    }
  }

  @Test
  void einsumEquations() throws Exception {
    Object[][] cases = {{"ij,jk->ik", new long[][] {{3, 4}, {4, 5}}}, {"bij,bjk->bik", new long[][] {{2, 3, 4}, {2, 4, 5}}},
        {"ii->i", new long[][] {{4, 4}}}, {"ii", new long[][] {{4, 4}}}, {"ij->ji", new long[][] {{3, 5}}},
        {"...ij,...jk->...ik", new long[][] {{2, 1, 3, 4}, {1, 5, 4, 2}}}, {"i,i", new long[][] {{6}, {6}}},
        {"ij,ij->", new long[][] {{3, 4}, {3, 4}}}, {"abc,cd->abd", new long[][] {{2, 3, 4}, {4, 5}}},
        {"bn,anm,bm->ba", new long[][] {{2, 3}, {4, 3, 5}, {2, 5}}}, {"ij,jk", new long[][] {{3, 4}, {4, 2}}},
        {"i,j->ij", new long[][] {{3}, {4}}}, {"bii->bi", new long[][] {{2, 3, 3}}},
        {"...ii->...i", new long[][] {{2, 3, 3}}}, {"ab...,b->a...", new long[][] {{2, 3, 4, 5}, {3}}},
        {"BIj,Bjk->BIk", new long[][] {{2, 3, 4}, {2, 4, 2}}}};
    for (Object[] c : cases) {
      long[][] shapes = (long[][]) c[1];
      Net net = new Net();
      StringBuilder in = new StringBuilder();
      for (int i = 0; i < shapes.length; i++) {
        net.floats("x" + i, shapes[i]);
        in.append(i > 0 ? "," : "").append("x").append(i);
      }
      check(net.node("Einsum", in.toString(), "y", attr("equation", (String) c[0])).output("y"));
    }
    assertEquals(16, cases.length);
  }
}
