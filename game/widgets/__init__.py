"""Things drawn with pygame rather than pygame_gui widgets: the field, charts, money flows."""
