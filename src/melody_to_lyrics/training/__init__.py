"""One training loop for the three objectives, with checkpoints, TensorBoard and DDP."""
