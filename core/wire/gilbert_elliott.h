// Gilbert-Elliott two-state loss model: real links lose packets in bursts, not one at a time.
#pragma once

namespace wirestep::wire {

// All values are percentages (0..100) so they read like the plain loss knob next to them.
// The chain is Good or Bad; each packet is lost with the current state's loss probability and
// then the chain moves: Good->Bad with p, Bad->Good with r. With loss_bad = 100 and loss_good = 0
// a burst is one stay in Bad, so bursts are geometric with mean length 100 / r packets, and the
// long-run loss is p / (p + r).
struct GilbertElliottParams {
  double p_percent = 0;           // Good -> Bad per packet; 0 disables the model
  double r_percent = 100;         // Bad -> Good per packet
  double loss_bad_percent = 100;  // loss while Bad
  double loss_good_percent = 0;   // loss while Good

  bool enabled() const { return p_percent > 0; }
};

class GilbertElliott {
 public:
  struct Step {
    bool lost = false;
    bool bad = false;  // the state the packet met (the one that decided its fate)
  };

  explicit GilbertElliott(GilbertElliottParams params = {}) : params_(params) {}

  // One packet: decide its loss in the current state with u_loss, then step the chain with
  // u_step. The caller supplies both uniforms in [0, 1) so that it owns the RNG stream and can
  // keep the number of draws per packet fixed (see ImpairmentPolicy).
  Step next(double u_loss, double u_step) {
    Step step;
    step.bad = bad_;
    const double loss = bad_ ? params_.loss_bad_percent : params_.loss_good_percent;
    step.lost = params_.enabled() && u_loss * 100.0 < loss;
    if (params_.enabled()) {
      if (bad_) {
        if (u_step * 100.0 < params_.r_percent) bad_ = false;
      } else if (u_step * 100.0 < params_.p_percent) {
        bad_ = true;
      }
    }
    return step;
  }

  bool bad() const { return bad_; }
  const GilbertElliottParams& params() const { return params_; }
  void reset() { bad_ = false; }

 private:
  GilbertElliottParams params_;
  bool bad_ = false;  // every run starts Good, so a seed replays from the same state
};

}  // namespace wirestep::wire
