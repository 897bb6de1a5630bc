"""The main window's custom widgets (promoted in ui/main_window.ui): the canvas, the network-input
view, the picture view, the probability bars, and the boxes and labels painted over a drawing or
picture."""
