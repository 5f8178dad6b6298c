"""The game's scenes: title → scenario → roles → contract → predict → play → after → debrief,
with pause, explore and help pushed over them."""
