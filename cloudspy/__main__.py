"""``python -m cloudspy``."""

from cloudspy.cli.main import run

if __name__ == "__main__":
    run()
