package dev.mobilize.optimize;

import dev.mobilize.ir.FusedOps;

/** Fuses Gemm with the activation after it into {@code mobilize.FusedGemm}. */
final class FuseGemmActivation extends FuseActivation {

  FuseGemmActivation() {
    super("Gemm", FusedOps.FUSED_GEMM);
  }

  @Override
  public String description() {
    return "fuses Gemm + activation into mobilize.FusedGemm (targets that express it)";
  }
}
