"""Jiangsu's county-level divisions (区、县、县级市, GB/T 2260 codes) as the reference list in
``fixtures/districts.json``: loading it (the migration, the demo seed, the tests) and matching
an enterprise's district typed as free text, before it was a choice, to one of them."""

import json
from pathlib import Path

REFERENCE = Path(__file__).resolve().parent.parent / "fixtures" / "districts.json"

# the suffix an entry may have been typed without: 吴中 → 吴中区, 丰 → 丰县, 昆山 → 昆山市
SUFFIXES = ("区", "县", "市")


def reference_rows() -> list[dict]:
    """``{"code", "name", "kind", "city"}`` for each division, in the fixture's order."""
    with open(REFERENCE, encoding="utf-8") as fixture:
        return [{"code": row["pk"], **row["fields"]} for row in json.load(fixture)]


def districts_load(model) -> int:
    """Write the reference list into ``model`` (the current or a migration's historical
    District): new divisions added, renamed ones updated; how many there are."""
    rows = reference_rows()
    for row in rows:
        model.objects.update_or_create(code=row.pop("code"), defaults=row)
    return len(rows)


def _bare(name: str) -> str:
    name = "".join(name.split())
    return name[:-1] if len(name) > 1 and name.endswith(SUFFIXES) else name


def district_match(city: str, text: str, divisions) -> str | None:
    """The code of the division of ``city`` that ``text`` names — exactly, or without its
    区/县/市 suffix on either side — or None (nothing, or more than one, fits).
    ``divisions``: ``(code, name, city)`` of every division."""
    text = "".join((text or "").split())
    if not text:
        return None
    in_city = [(code, name) for code, name, of in divisions if of == city]
    exact = [code for code, name in in_city if name == text]
    if len(exact) == 1:
        return exact[0]
    loose = [code for code, name in in_city if _bare(name) == _bare(text)]
    return loose[0] if len(loose) == 1 else None
