"""dex_more: dexterous hand-object manipulation with mixtures of residual experts, on Isaac Lab."""

__version__ = "0.1.0"
