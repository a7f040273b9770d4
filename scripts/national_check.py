"""National check: the grades, inspection dates and lead inspectors we read from every ILACS report, against an
independent table of them.

Usage: python scripts/national_check.py REPORTS_DIR TABLE.csv [--jobs 2] [--save FILE | --load FILE]

REPORTS_DIR holds the reports as `../shared/tools/reports.py` writes them (`<council>-<listing date>-ofsted-
inspection.pdf`); TABLE.csv is `ofsted_csc_ilacs_history.csv` of the public JT-39/ofsted-ilacs-scrape-tool
repository (not committed here; its README puts its own extraction near 99%). A report is matched to its row by
council and listing date, the two things both take from Ofsted's listing. Prints agreement per graded area, for the
inspection's first and last days and for the lead inspector, then every disagreement with the report's own words,
and the kind of any report not read as an inspection. `--save` keeps what was read (JSON lines) so a later `--load`
compares again without reading 500 PDFs.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The table's grade columns and the areas we read, in our vocabulary. Until the 2023 revision ILACS judged children in
# care and care leavers together: the table writes that grade in its in-care column, sometimes in both.
COLUMNS = {
    "overall_effectiveness_grade": ("overall",),
    "impact_of_leaders_grade": ("leadership",),
    "help_and_protection_grade": ("help_and_protection",),
    "in_care_grade": ("children_in_care", "children_in_care_and_care_leavers"),
    "care_leavers_grade": ("care_leavers", "children_in_care_and_care_leavers"),
}
GRADES = ("outstanding", "good", "requires improvement", "inadequate")
_NAME = re.compile(r"^(.+)-(\d{4}-\d{2}-\d{2})-ofsted-inspection\.pdf$")
_WINDOW = 160


def slug(council: str) -> str:
    """A council's name as the report files spell it."""
    return re.sub(r"[^a-z0-9]+", "-", council.replace("&", "and").lower()).strip("-")


def day(written: str, form: str) -> str | None:
    """An ISO date from the table's day/month/year forms; None when blank."""
    try:
        return datetime.strptime(written.strip(), form).date().isoformat()
    except ValueError:
        return None


def read_one(path: Path) -> dict:
    """What describe reads from one report, with the words around each judgement and the dates line."""
    from ingest.chunk import chunk_document
    from ingest.errors import OfstedError
    from ingest.grades import judgements
    from ingest.read import read_document

    try:
        document = read_document(path)
    except OfstedError as error:
        return {"file": path.name, "error": str(error)}
    text, info = document.text, document.description
    found = judgements(document, chunk_document(document))
    dates = re.search(r"Inspection dates?:[^\n]{0,120}", text[:4000], re.I)
    return {
        "file": path.name, "authority": info.authority, "kind": info.kind, "start": info.inspection_start,
        "end": info.inspection_end, "lead": info.lead_inspector,
        "grades": {j.area: {"grade": j.grade, "words": " ".join(text[j.start or 0:(j.start or 0) + _WINDOW].split())}
                   for j in found},
        "dates_line": " ".join(dates.group(0).split()) if dates else " ".join(text[:300].split()),
    }


def read_all(folder: Path, jobs: int) -> list[dict]:
    """Every report of the folder read, with progress on standard error."""
    paths = sorted(folder.glob("*-ofsted-inspection.pdf"))
    if not paths:
        sys.exit(f"error: no '*-ofsted-inspection.pdf' in {folder}; write them with ../shared/tools/reports.py")
    results = []
    with ProcessPoolExecutor(jobs) as pool:
        for done, result in enumerate(pool.map(read_one, paths, chunksize=4), start=1):
            results.append(result)
            if done % 25 == 0 or done == len(paths):
                print(f"read {done}/{len(paths)}", file=sys.stderr, flush=True)
    return results


def table(path: Path) -> dict[tuple[str, str], dict]:
    """The table's rows by (council, listing date)."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    missing = {"local_authority", "publication_date", *COLUMNS} - set(rows[0] if rows else {})
    if missing:
        sys.exit(f"error: {path} lacks the columns {sorted(missing)}; give JT-39's ofsted_csc_ilacs_history.csv")
    return {(slug(row["local_authority"]), day(row["publication_date"], "%d/%m/%y") or ""): row for row in rows}


def person(name: str | None) -> str:
    """A name compared without case, spacing or titles."""
    return " ".join(re.sub(r"\b(?:HMI|OBE|MBE)\b|[^\w ]", " ", (name or "").lower()).split())


def compare(read: Iterable[dict], rows: dict[tuple[str, str], dict]) -> int:
    """Print agreement and every disagreement; the number of disagreements."""
    tally: Counter[str] = Counter()
    problems: list[str] = []
    unmatched = []
    for ours in read:
        match = _NAME.match(ours["file"])
        row = rows.get((match.group(1), match.group(2))) if match else None
        if row is None:
            unmatched.append(ours["file"])
            continue
        if "error" in ours:
            problems.append(f"{ours['file']}: not read: {ours['error']}")
            continue
        if not ours["kind"].endswith("inspection"):
            problems.append(f"{ours['file']}: kind {ours['kind']}")
        for column, areas in COLUMNS.items():
            theirs = row[column].strip().lower()
            if theirs not in GRADES:
                continue
            got = next((ours["grades"][area] for area in areas if area in ours["grades"]), None)
            key = areas[0]
            tally[f"{key} given"] += 1
            if got is None:
                tally[f"{key} missing"] += 1
                problems.append(f"{ours['file']}: {key}: table {theirs}, we read none")
            elif got["grade"] == theirs:
                tally[f"{key} agree"] += 1
            else:
                problems.append(f"{ours['file']}: {key}: table {theirs}, we read {got['grade']}: \"{got['words']}\"")
        for field, column in (("start", "inspection_start_date"), ("end", "inspection_end_date")):
            theirs = day(row[column], "%d/%m/%Y")
            if theirs:
                tally[f"{field} given"] += 1
                if ours[field] == theirs:
                    tally[f"{field} agree"] += 1
                else:
                    problems.append(f"{ours['file']}: {field}: table {theirs}, we read {ours[field]}: "
                                    f"\"{ours['dates_line']}\"")
        if row["inspector_name"].strip():
            tally["lead given"] += 1
            if person(ours["lead"]) == person(row["inspector_name"]):
                tally["lead agree"] += 1
            else:
                problems.append(f"{ours['file']}: lead inspector: table {row['inspector_name']!r}, we read "
                                f"{ours['lead']!r}")
    report(tally)
    if unmatched:
        print(f"\n{len(unmatched)} report(s) with no row in the table: {', '.join(unmatched[:10])}")
    print(f"\n{len(problems)} disagreement(s):")
    for line in problems:
        print(f"  {line}")
    return len(problems)


def report(tally: Counter[str]) -> None:
    """Agreement per measure: agreed / given, and how many we did not read at all."""
    print(f"{'measure':<22}{'agree':>8}{'given':>8}{'share':>8}{'missing':>9}")
    areas = [areas[0] for areas in COLUMNS.values()]
    for key in [*areas, "grades (all areas)", "start", "end", "lead"]:
        if key == "grades (all areas)":
            agree, given = (sum(tally[f"{a} {what}"] for a in areas) for what in ("agree", "given"))
            missing = sum(tally[f"{a} missing"] for a in areas)
        else:
            agree, given, missing = tally[f"{key} agree"], tally[f"{key} given"], tally[f"{key} missing"]
        share = f"{agree / given:.3f}" if given else "-"
        print(f"{key:<22}{agree:>8}{given:>8}{share:>8}{missing:>9}")


def main(argv: list[str] | None = None) -> int:
    """Read (or load), compare, print; exit 1 when anything disagrees."""
    command = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    command.add_argument("reports", type=Path, help="folder of <council>-<date>-ofsted-inspection.pdf files")
    command.add_argument("table", type=Path, help="JT-39's ofsted_csc_ilacs_history.csv")
    command.add_argument("--jobs", type=int, default=2, help="reading processes (default 2)")
    where = command.add_mutually_exclusive_group()
    where.add_argument("--save", type=Path, help="keep what was read in this JSON-lines file")
    where.add_argument("--load", type=Path, help="compare what an earlier --save kept instead of reading again")
    args = command.parse_args(argv)
    if args.load:
        read = [json.loads(line) for line in args.load.read_text(encoding="utf-8").splitlines() if line.strip()]
    else:
        read = read_all(args.reports, args.jobs)
        if args.save:
            args.save.write_text("".join(json.dumps(item) + "\n" for item in read), encoding="utf-8")
    return 1 if compare(read, table(args.table)) else 0


if __name__ == "__main__":
    sys.exit(main())
