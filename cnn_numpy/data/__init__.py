"""Data: MNIST (reading, download), pen-stroke collections (UNIPEN, pendigits) and their rendering
as canvas images, training-time augmentation, synthesised writing styles, safe image-file opening."""
