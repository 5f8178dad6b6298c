"""The teaching game (pygame-ce + pygame_gui), a front end on the model: see issue 6."""
