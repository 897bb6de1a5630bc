"""Training: the one training loop (Trainer), the training data of the shipped recipe, and
shipping trained weights with their metadata."""
