"""A reader stub for the isolated step that never finishes (the time limit must end it)."""

import time

if __name__ == "__main__":
    time.sleep(60)
