"""What an export says about itself: the date it was taken (from its own records) and the title and licence its
readme or licence file state. Importers judge dates against the export date and write the rest as the basis."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ExportFacts", "export_date", "readme_facts"]

_LICENCES = (  # (pattern, family, default version) -- the most specific first
    (re.compile(r"CC[- ]?BY[- ]?NC[- ]?SA|Attribution[- ]NonCommercial[- ]ShareAlike", re.I), "by-nc-sa", "4.0"),
    (re.compile(r"CC[- ]?BY[- ]?NC|Attribution[- ]NonCommercial", re.I), "by-nc", "4.0"),
    (re.compile(r"CC[- ]?BY[- ]?SA|Attribution[- ]ShareAlike", re.I), "by-sa", "4.0"),
    (re.compile(r"CC[- ]?BY\b|Creative Commons Attribution", re.I), "by", None),
    (re.compile(r"CC0|public domain dedication", re.I), "zero", "1.0"),
)
_CC_URL = re.compile(r"https?://creativecommons\.org/(?:licenses|publicdomain)/[a-z-]+/\d\.\d/?")


@dataclass(frozen=True)
class ExportFacts:
    """Title, licence URL and where they were read (``""`` when nothing says)."""

    title: str = ""
    license: str = ""
    license_from: str = ""


def export_date(dates: Iterable[str], *, today: dt.date | None = None, support: int = 1) -> dt.date | None:
    """The date an export was taken, from the dates of its records: the latest day not after ``today`` (a
    mistyped future date does not count) with at least ``support`` records in the 31 days up to it.

    Examples
    --------
    >>> export_date(["2013-09-30", "2013-10-01", "2013-10-01", "2103-01-01"])
    datetime.date(2013, 10, 1)
    >>> export_date(["2013-10-01", "2013-10-02", "2015-12-03"], support=2), export_date([])
    (datetime.date(2013, 10, 2), None)
    """
    limit = today or dt.date.today()
    days = []
    for text in dates:
        try:
            day = dt.date.fromisoformat(text.strip()[:10])
        except ValueError:
            continue
        if day <= limit:
            days.append(day)
    days.sort()
    for i in range(len(days) - 1, -1, -1):
        j = i
        while j >= 0 and (days[i] - days[j]).days <= 31:
            j -= 1
        if i - j >= support:
            return days[i]
    return None


def readme_facts(folder: Path) -> ExportFacts:
    """The title (the readme's first heading) and the licence (a Creative Commons URL, or a licence named in the
    licence file, then in the readme) an export folder states.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "readme.md").write_text("# Crunchbase Data As CSV\\n\\nUnder [CC-BY-NC]"
    ...                                       "(http://creativecommons.org/licenses/by-nc/4.0/).\\n")
    >>> facts = readme_facts(folder)
    >>> facts.title, facts.license, facts.license_from
    ('Crunchbase Data As CSV', 'https://creativecommons.org/licenses/by-nc/4.0/', 'readme.md')
    """
    files = sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
    licences = [p for p in files if p.stem.upper() in ("LICENSE", "LICENCE", "COPYING")]
    readmes = [p for p in files if p.stem.upper() == "README"]
    title = ""
    for readme in readmes:
        heading = re.search(r"^#\s+(.+?)\s*#*\s*$", _text(readme), re.M)
        if heading:
            title = heading.group(1).strip()
            break
    for source in (*licences, *readmes):
        text = _text(source)
        url = _CC_URL.search(text)
        if url:
            return ExportFacts(title, "https://" + url.group(0).split("://", 1)[1].rstrip("/") + "/", source.name)
        for pattern, family, version in _LICENCES:
            found = pattern.search(text)
            if found:
                stated = re.search(r"\b([1-4]\.0)\b", text[found.start() : found.end() + 40])
                number = stated.group(1) if stated else version
                base = "publicdomain" if family == "zero" else "licenses"
                suffix = f"{number}/" if number else ""
                return ExportFacts(title, f"https://creativecommons.org/{base}/{family}/{suffix}", source.name)
    return ExportFacts(title)


def _text(path: Path) -> str:
    data = path.read_bytes()[:200_000]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")
