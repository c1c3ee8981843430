package dev.mobilize.optimize;

import dev.mobilize.ir.FusedOps;

/** Fuses ConvTranspose with the activation after it into {@code mobilize.FusedConvTranspose}. */
final class FuseConvTransposeActivation extends FuseActivation {

  FuseConvTransposeActivation() {
    super("ConvTranspose", FusedOps.FUSED_CONV_TRANSPOSE);
  }

  @Override
  public String description() {
    return "fuses ConvTranspose + activation into mobilize.FusedConvTranspose (targets that express it)";
  }
}
