"""Recognition: any picture -> the 28x28 input (preprocessing) -> the network -> probabilities
(the Recognizer), one image or a folder of files."""
