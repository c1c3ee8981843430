package dev.mobilize.optimize;

import dev.mobilize.ir.FusedOps;

/** Fuses Conv with the activation after it into {@code mobilize.FusedConv}. */
final class FuseConvActivation extends FuseActivation {

  FuseConvActivation() {
    super("Conv", FusedOps.FUSED_CONV);
  }

  @Override
  public String description() {
    return "fuses Conv + activation into mobilize.FusedConv (targets that express it)";
  }
}
