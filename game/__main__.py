"""`python -m cislab.game [SCENARIO]`: the same as `cislab play`."""

from cislab.play_command import main

main()
