"""Integers from URLs and query strings, range-checked before they reach the database.

`<id:pk>` replaces Django's `<int:pk>` in every URL: 1 … 2^63-1 (a BIGINT primary key), at most 19
digits; anything else simply does not match (404). `query_int` does the same for ?org=…&binding=….
"""

MAX_ID = 2**63 - 1


class IdConverter:
    regex = "[1-9][0-9]{0,18}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("out of range")  # Django turns this into "no match" → 404
        return number

    def to_url(self, value) -> str:
        return str(int(value))


def query_int(params, name: str, *, minimum: int = 1, maximum: int = MAX_ID) -> int | None:
    """params[name] as an int within [minimum, maximum], or None when absent, malformed or out of range."""
    raw = (params.get(name) or "").strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 19:
        return None
    number = int(raw)
    return number if minimum <= number <= maximum else None
