"""HOT: hand–object tracking from synthetic demonstrations of skills (seed 002, REFERENCE.md §2)."""
