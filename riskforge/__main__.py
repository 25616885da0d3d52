"""`python -m riskforge` behaves like the `riskforge` console script."""

from riskforge.cli.main import main

if __name__ == "__main__":
    main()
