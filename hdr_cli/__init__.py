"""The command line, ``python main.py [COMMAND]``: above both libraries (cnn_numpy, hdr_gui).

It is the only place that parses options, prints, and chooses exit codes.
"""
