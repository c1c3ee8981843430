package dev.mobilize.mace;

import dev.mobilize.mace.proto.MaceNet;
import dev.mobilize.mace.proto.MaceNet.ConstTensor;
import dev.mobilize.mace.proto.MaceNet.NetDef;
import dev.mobilize.mace.proto.MaceNet.OperatorDef;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * MACE's model protection by renaming: op names and every tensor name except the graph's inputs
 * and outputs (which an app addresses by name, as MACE keeps them) become opaque ids. The mapping
 * (id, then original name, one pair a line) is for the model's owner only.
 */
final class MaceObfuscation {

  private MaceObfuscation() {}

  record Result(MaceNet.MultiNetDef net, String mapping) {}

  static Result apply(MaceNet.MultiNetDef multi) {
    Set<String> kept = new HashSet<>(multi.getInputTensorList());
    kept.addAll(multi.getOutputTensorList());
    Map<String, String> tensors = new LinkedHashMap<>();
    Map<String, String> ops = new LinkedHashMap<>();
    MaceNet.MultiNetDef.Builder out = multi.toBuilder().clearNetDef();
    for (NetDef net : multi.getNetDefList()) {
      NetDef.Builder nb = net.toBuilder().clearOp().clearTensors();
      for (ConstTensor t : net.getTensorsList()) {
        nb.addTensors(t.toBuilder().setName(rename(t.getName(), kept, tensors, "t")));
      }
      for (OperatorDef op : net.getOpList()) {
        OperatorDef.Builder ob = op.toBuilder().clearInput().clearOutput();
        op.getInputList().forEach(i -> ob.addInput(rename(i, kept, tensors, "t")));
        op.getOutputList().forEach(o -> ob.addOutput(rename(o, kept, tensors, "t")));
        ob.setName(rename(op.getName(), Set.of(), ops, "op"));
        nb.addOp(ob);
      }
      out.addNetDef(nb);
    }
    StringBuilder map = new StringBuilder("# MACE obfuscation map: id <TAB> original name. Keep private.\n");
    ops.forEach((k, v) -> map.append(v).append('\t').append(k).append('\n'));
    tensors.forEach((k, v) -> map.append(v).append('\t').append(k).append('\n'));
    return new Result(out.build(), map.toString());
  }

  private static String rename(String name, Set<String> kept, Map<String, String> map, String prefix) {
    if (kept.contains(name)) {
      return name;
    }
    return map.computeIfAbsent(name, k -> prefix + Integer.toHexString(0x1000 + map.size()));
  }
}
