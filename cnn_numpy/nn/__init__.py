"""The network itself: layers, the Sequential model, the SimpleConvNet and the dense baselines,
optimisers and weight averaging. Pure NumPy, no I/O."""
