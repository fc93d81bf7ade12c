"""Per-hand task configurations: they only name hands, clips and presets."""
