"""A reader stub for the isolated step: it dies the way calamine does on a sparse corner cell."""

import os

if __name__ == "__main__":
    os.abort()
