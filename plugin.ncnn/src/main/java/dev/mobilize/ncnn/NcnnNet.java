package dev.mobilize.ncnn;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** An ncnn network: its layers in file order. Blob count is the number of distinct blobs. */
final class NcnnNet {

  /** The param file's magic number. */
  static final int MAGIC = 7767517;

  final List<NcnnLayer> layers = new ArrayList<>();

  /** All blob names in order of production: each blob is the output of exactly one layer. */
  List<String> blobs() {
    Set<String> names = new LinkedHashSet<>();
    for (NcnnLayer l : layers) {
      names.addAll(l.outputs);
    }
    return new ArrayList<>(names);
  }
}
