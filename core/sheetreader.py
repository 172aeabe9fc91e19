"""The isolated spreadsheet reader: `python -m core.sheetreader IN OUT KIND MAX_ROWS MAX_ROW_INDEX MEMORY_MB`.

It runs in a child process (see core.spreadsheets.read_isolated) with an address-space limit it sets on
itself before touching the file, so that a reader that aborts (calamine asks for 512 GiB on a sparse
corner cell and the process dies with an uncatchable abort) or exhausts memory kills only this child.
It writes {"rows": [[cell, …], …]} as JSON to OUT: at most MAX_ROWS + 2 non-blank rows (header, the
limit, and one more so the caller can say "over the limit"), or {"error": "damaged" | "no_sheet" |
"encoding"}. No Django here: the child starts in a fraction of a second.
"""

import csv
import json
import resource
import sys


def _limit_memory(megabytes: int) -> None:
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _cell(value):
    """A cell as the JSON carries it: dates, times, durations as their text (what the roster check sees
    anyway) — json.dumps calls this (its `default`) only for those; plain values pass in C."""
    return str(value)


def _keep(rows, max_rows: int) -> list[list]:
    """The rows up to the one after the limit's (header, the limit, one more), blank rows included; ROWS
    may be an iterator (a CSV is read no further)."""
    kept, non_blank = [], 0
    for row in rows:
        kept.append(row)
        if row.count(None) + row.count("") != len(row):  # a cell that is neither None nor ""
            non_blank += 1
            if non_blank >= max_rows + 2:  # the header, the limit, one more: stop reading here
                break
    return kept


def _write(result: dict, target: str) -> None:
    """RESULT as JSON, the rows encoded by the C encoder 1,000 at a time (json.dump would write each
    value separately; one json.dumps of them all would double the memory at the end)."""
    encode = json.JSONEncoder(ensure_ascii=False, default=_cell).encode
    rows = result.pop("rows", None)
    with open(target, "w", encoding="utf-8") as out:
        out.write(encode(result)[:-1])
        if rows is not None:
            out.write(', "rows": [' if result else '"rows": [')
            for start in range(0, len(rows), 1000):
                out.write(("," if start else "") + encode(rows[start : start + 1000])[1:-1])
            out.write("]")
        out.write("}")


def read_spreadsheet(path: str, max_rows: int, max_row_index: int) -> list[list]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(path)
    if not book.sheet_names:
        raise LookupError("no_sheet")
    sheet = book.get_sheet_by_index(0)
    return _keep(sheet.to_python(skip_empty_area=False, nrows=max_row_index), max_rows)


def read_csv(path: str, max_rows: int, max_cell_chars: int) -> list[list]:
    csv.field_size_limit(max_cell_chars)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            with open(path, encoding=encoding, newline="") as handle:
                return _keep(csv.reader(handle), max_rows)
        except UnicodeDecodeError:
            continue
    raise UnicodeError("encoding")


def _peak_rss_kb() -> int:
    """VmHWM of this process image (getrusage would include the parent's pages from before exec)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main(argv: list[str]) -> int:
    source, target, kind, max_rows, max_row_index, memory_mb, max_cell_chars = argv
    _limit_memory(int(memory_mb))
    try:
        if kind == "csv":
            rows = read_csv(source, int(max_rows), int(max_cell_chars))
        else:
            rows = read_spreadsheet(source, int(max_rows), int(max_row_index))
        result = {"rows": rows}
    except LookupError:
        result = {"error": "no_sheet"}
    except UnicodeError:
        result = {"error": "encoding"}
    except MemoryError:
        result = {"error": "memory"}
    except BaseException:  # pyo3's PanicException is a BaseException
        result = {"error": "damaged"}
    result["peak_rss_kb"] = _peak_rss_kb()
    _write(result, target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
