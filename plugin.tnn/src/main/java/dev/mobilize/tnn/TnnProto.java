package dev.mobilize.tnn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * The text {@code .tnnproto}: quoted lines ending in {@code ,} — a header ({@code 1 <blob count> 1
 * <magic>}), the inputs ({@code name rank dims... data_type}, separated by {@code :}), all blob
 * names, the output names, the layer count, then one line per layer ({@code type name nIn nOut
 * inputs... outputs... params...}). As TNN reads it: quotes and newlines are dropped and the text
 * is split at commas.
 */
final class TnnProto {

  private TnnProto() {}

  static TnnNet read(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '"' && c != '\n' && c != '\r') {
        sb.append(c);
      }
    }
    List<String> lines = new ArrayList<>(Arrays.asList(sb.toString().split(",", -1)));
    if (lines.size() <= 5) {
      throw new IllegalArgumentException("has " + lines.size() + " sections, expected at least 6 (header, inputs, "
          + "blobs, outputs, layer count, layers)");
    }
    String[] header = words(lines.get(0));
    if (header.length < 4) {
      throw new IllegalArgumentException("header '" + lines.get(0).trim() + "' lacks the version magic number; "
          + "only v2 .tnnproto files (magic " + Integer.toUnsignedString(TnnNet.MAGIC_V2) + ") are read");
    }
    long magic = Long.parseLong(header[3]);
    if (magic != Integer.toUnsignedLong(TnnNet.MAGIC_V2)) {
      throw new IllegalArgumentException("version magic number " + magic + ", expected "
          + Integer.toUnsignedString(TnnNet.MAGIC_V2) + " (v2)");
    }
    TnnNet net = new TnnNet();
    for (String in : lines.get(1).split(":")) {
      String[] w = words(in);
      if (w.length < 3) {
        throw new IllegalArgumentException("input '" + in.trim() + "' is not 'name rank dims... data_type'");
      }
      int rank = Integer.parseInt(w[1]);
      if (w.length < rank + 2) {
        throw new IllegalArgumentException("input '" + w[0] + "' declares " + rank + " dims but has " + (w.length - 2));
      }
      int[] dims = new int[rank];
      for (int i = 0; i < rank; i++) {
        dims[i] = Integer.parseInt(w[2 + i]);
      }
      int dataType = w.length > rank + 2 ? Integer.parseInt(w[w.length - 1]) : 0;
      net.inputs.add(new TnnNet.Input(w[0], dims, dataType));
    }
    net.outputs.addAll(Arrays.asList(words(lines.get(3))));
    for (int i = 5; i < lines.size(); i++) {
      String[] w = words(lines.get(i));
      if (w.length == 0) {
        continue;
      }
      if (w.length < 4) {
        throw new IllegalArgumentException("layer line '" + lines.get(i).trim() + "' is not 'type name nIn nOut ...'");
      }
      int nIn = Integer.parseInt(w[2]);
      int nOut = Integer.parseInt(w[3]);
      if (w.length < 4 + nIn + nOut) {
        throw new IllegalArgumentException("layer '" + w[1] + "' declares " + nIn + " inputs and " + nOut
            + " outputs but names only " + (w.length - 4));
      }
      List<String> ins = Arrays.asList(w).subList(4, 4 + nIn);
      List<String> outs = Arrays.asList(w).subList(4 + nIn, 4 + nIn + nOut);
      List<String> params = Arrays.asList(w).subList(4 + nIn + nOut, w.length);
      net.layers.add(new TnnNet.Layer(w[0], w[1], ins, outs, params));
    }
    return net;
  }

  private static String[] words(String s) {
    String t = s.trim();
    return t.isEmpty() ? new String[0] : t.split("\\s+");
  }

  static String write(TnnNet net) {
    TreeSet<String> blobs = new TreeSet<>();
    for (TnnNet.Input in : net.inputs) {
      blobs.add(in.name());
    }
    for (TnnNet.Layer l : net.layers) {
      blobs.addAll(l.inputs);
      blobs.addAll(l.outputs);
    }
    StringBuilder sb = new StringBuilder();
    sb.append("\"1 ").append(blobs.size()).append(" 1 ").append(Integer.toUnsignedString(TnnNet.MAGIC_V2))
        .append(" ,\"\n");
    sb.append('"');
    for (int i = 0; i < net.inputs.size(); i++) {
      TnnNet.Input in = net.inputs.get(i);
      if (i > 0) {
        sb.append(": ");
      }
      sb.append(in.name()).append(' ').append(in.dims().length).append(' ');
      for (int d : in.dims()) {
        sb.append(d).append(' ');
      }
      sb.append(in.dataType()).append(' ');
    }
    sb.append(",\"\n");
    sb.append("\" ");
    for (String b : blobs) {
      sb.append(b).append(' ');
    }
    sb.append(",\"\n");
    sb.append('"');
    for (String o : net.outputs) {
      sb.append(o).append(' ');
    }
    sb.append(",\"\n");
    sb.append("\" ").append(net.layers.size()).append(" ,\"\n");
    for (TnnNet.Layer l : net.layers) {
      sb.append('"').append(l.type).append(' ').append(l.name).append(' ').append(l.inputs.size()).append(' ')
          .append(l.outputs.size()).append(' ');
      for (String s : l.inputs) {
        sb.append(s).append(' ');
      }
      for (String s : l.outputs) {
        sb.append(s).append(' ');
      }
      for (String p : l.params) {
        sb.append(p).append(' ');
      }
      sb.append(",\"\n");
    }
    return sb.toString();
  }
}
