"""Build the site: the same as `kdsite build` (options too)."""

import sys

from kdsite.cli import main

if __name__ == "__main__":
    sys.exit(main(["build", *sys.argv[1:]]))
