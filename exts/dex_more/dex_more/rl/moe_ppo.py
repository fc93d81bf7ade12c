"""PPO with the routing losses of mixture-of-experts models (MoRE): load balancing and routing entropy.

rsl_rl's PPO has no hook for extra losses; :class:`MoEPPO` switches them on inside every model that
supports them for the duration of :meth:`update` (each forward pass with gradients then adds
``load_balance_coef · N·Σ f_i P_i + router_entropy_coef · H(w)`` to the back-propagated loss) and logs the
routing statistics of the update: load fraction per expert, router entropy, mean top-1 weight.
"""
from __future__ import annotations

from .resumable import ResumablePPO


class MoEPPO(ResumablePPO):
    def __init__(self, actor, critic, storage, load_balance_coef: float = 0.01, router_entropy_coef: float = 0.01,
                 **kwargs) -> None:
        super().__init__(actor, critic, storage, **kwargs)
        self.load_balance_coef = load_balance_coef
        self.router_entropy_coef = router_entropy_coef

    def _routed_models(self):
        return [(name, m) for name, m in (("actor", self.actor), ("critic", self.critic))
                if hasattr(m, "enable_routing_losses")]

    def update(self) -> dict[str, float]:
        models = self._routed_models()
        for _, m in models:
            m.enable_routing_losses(self.load_balance_coef, self.router_entropy_coef)
        try:
            losses = super().update()
        finally:
            stats = {name: m.disable_routing_losses() for name, m in models}
        for name, s in stats.items():
            prefix = "" if name == "actor" else f"{name}_"
            losses.update({f"{prefix}{k}": v for k, v in s.items()})
        return losses
