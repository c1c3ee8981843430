package dev.mobilize.tnn;

import dev.mobilize.ir.Half;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Option {@code fp16}: weights stored as half raw buffers (data type 1), as TNN's converter does with
 * {@code -half} (tools/converter resource_*_convert.cc): the filter of Convolution and
 * Deconvolution, the weight of InnerProduct and MatMul, the constant operand of Add, Sub, Mul, Div,
 * Maximum and Minimum. TNN's CPU layers widen half resources at load, buffer by buffer
 * (layer_resource_generator.cc ConvertHalfResource, raw_buffer.cc ConvertHalfHandle).
 *
 * <p>Unlike TNN's converter, biases, the per-channel scales of BatchNormCxx, Scale and
 * InstBatchNormCxx, and depthwise filters stay fp32: together a few percent of the bytes, but in
 * half their rounding (systematic per channel) grows through deep networks past 1e-2 relative error
 * (MobileNetV2 1.3e-2 with everything in half, 8.4e-3 so). TNN reads each raw buffer by its own
 * data type, so the mix loads as it is. The constant map stays fp32, as TNN's converter leaves it.
 */
final class HalfWeights {

  private HalfWeights() {}

  /** The layer types whose first raw buffer (the weight) is stored in half. */
  static final Set<String> TYPES = Set.of("Convolution", "Deconvolution", "InnerProduct", "MatMul", "Add", "Sub",
      "Mul", "Div", "Maximum", "Minimum");

  /** Replaces, in {@code net}, the float weights of the resources of {@link #TYPES} with half ones. */
  static void apply(TnnNet net) {
    for (TnnNet.Layer l : net.layers) {
      TnnResource r = net.resources.get(l.name);
      if (r != null && TYPES.contains(r.type()) && !r.buffers().isEmpty() && !depthwise(l)) {
        List<RawBuffer> b = new ArrayList<>(r.buffers());
        b.set(0, half(b.get(0)));
        net.resources.put(l.name, new TnnResource(r.type(), b));
      }
    }
  }

  /** A depthwise Convolution (group = input channels = output channels): params group ic oc ... */
  static boolean depthwise(TnnNet.Layer l) {
    int group = l.intParam(0, 1);
    return l.type.equals("Convolution") && group > 1 && group == l.intParam(1, 0) && group == l.intParam(2, 0);
  }

  static RawBuffer half(RawBuffer r) {
    if (r.dataType() != RawBuffer.FLOAT || r.isEmpty()) {
      return r;
    }
    float[] f = r.floats();
    ByteBuffer b = ByteBuffer.allocate(f.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : f) {
      b.putShort(Half.fromFloat(v));
    }
    return new RawBuffer(RawBuffer.HALF, r.dims(), b.array());
  }
}
