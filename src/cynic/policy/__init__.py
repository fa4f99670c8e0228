"""What a team has decided to live with: the baseline and the waivers kept in `.cynic/`."""

from cynic.policy.apply import Policy, apply_policy, load_policy
from cynic.policy.store import PolicyError, add_waiver, load_baseline, load_waivers, save_baseline

__all__ = ["Policy", "PolicyError", "add_waiver", "apply_policy", "load_baseline", "load_policy", "load_waivers", "save_baseline"]
