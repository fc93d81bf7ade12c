"""RSL-RL side of dex_more: checkpoint loading (more to come: MoRE, hyper-policy, MoE-PPO, DAgger student)."""
