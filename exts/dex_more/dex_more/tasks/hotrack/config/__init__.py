"""One folder per hand: its env configurations (which hands fill each layout), its agents and its gym IDs."""
