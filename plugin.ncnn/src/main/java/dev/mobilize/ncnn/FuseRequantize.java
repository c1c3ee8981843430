package dev.mobilize.ncnn;

import java.util.List;
import java.util.Set;

/**
 * ncnn2int8's requantize fusion on the written net: an int8 Convolution or ConvolutionDepthWise
 * whose output goes straight (or through a Split, to all of its outputs) into int8 Convolution or
 * ConvolutionDepthWise layers writes int8: {@code int8_scale_term += 100} and
 * {@code top_blob_int8_scales} = the consumer's {@code bottom_blob_int8_scales}, appended last.
 */
final class FuseRequantize {

  private static final Set<String> CONVS = Set.of("Convolution", "ConvolutionDepthWise");

  private FuseRequantize() {}

  static void apply(NcnnNet net) {
    for (NcnnLayer l : net.layers) {
      if (!isInt8Conv(l) || l.params.getInt(8, 0) > 100) {
        continue;
      }
      String top = l.outputs.get(0);
      List<NcnnLayer> readers = readers(net, top);
      if (readers.size() != 1) {
        continue;
      }
      NcnnLayer next = readers.get(0);
      NcnnLayer first = next;
      if (next.type.equals("Split")) {
        boolean allInt8 = true;
        first = null;
        for (String out : next.outputs) {
          List<NcnnLayer> r = readers(net, out);
          allInt8 &= r.size() == 1 && isInt8Conv(r.get(0)) && r.get(0).inputs.size() == 1;
          if (first == null && !r.isEmpty()) {
            first = r.get(0);
          }
        }
        if (!allInt8) {
          continue;
        }
      } else if (!isInt8Conv(next) || next.inputs.size() != 1) {
        continue;
      }
      l.params.set(8, l.params.getInt(8, 0) + 100);
      l.rawWeight(new float[] {first.int8InputScale});
    }
  }

  private static boolean isInt8Conv(NcnnLayer l) {
    return CONVS.contains(l.type) && l.int8InputScale != 0;
  }

  private static List<NcnnLayer> readers(NcnnNet net, String blob) {
    return net.layers.stream().filter(x -> x.inputs.contains(blob)).toList();
  }
}
