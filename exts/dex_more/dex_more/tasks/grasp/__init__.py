"""Universal grasping (ResDex): geometry-agnostic base policies, a hyper-policy over them, a point-cloud student."""
