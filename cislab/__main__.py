"""`python -m cislab …`: the same as the `cislab` command."""

from cislab.cli import main

if __name__ == "__main__":
    main()
