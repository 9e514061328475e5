"""Faker's name and company tables, committed for the default locale so that drawing a customer
does not import Faker.

Importing Faker costs about 35 ms (it lists every locale of every provider on import) and building
its ``en_US`` generator another 15: a third of ``adsim demo``. The customers are drawn from four
tables only (first names, last names, company formats and suffixes, see
``simulator.data.customers``), so those are read from Faker once, here, and committed in
``faker_tables.json`` with the Faker version they come from. They are the project's own data
from then on, used whatever Faker release is installed: a US customer drawn from a seed does not
change when a user's environment brings another Faker (Faker's data changes between releases),
and start-up never imports Faker for it. Other locales read the installed Faker's tables.

Refreshing the copy changes seeded US customers: do it on purpose, with a changelog entry.

python -m simulator.data.faker_tables --write   # take the installed Faker's tables
python -m simulator.data.faker_tables --check   # exit 1 when they differ from the committed copy
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = [
    "COMMITTED_LOCALES",
    "TABLES_FILE",
    "committed_tables",
    "faker_tables",
    "installed_faker",
    "render",
]

TABLES_FILE = Path(__file__).with_name("faker_tables.json")
COMMITTED_LOCALES = ("en_US",)


def faker_tables(locale: str) -> dict[str, Any]:
    """The locale's tables as Faker's providers hold them: ``first`` and ``last`` (a mapping of
    name to weight, or a list of equally likely names), ``company_formats`` and ``suffixes``."""
    from faker import Faker

    faker = Faker(locale)
    person = company = None
    for provider in faker.factories[0].providers:
        module = type(provider).__module__
        if person is None and ".person" in module and hasattr(provider, "last_names"):
            person = provider
        if company is None and ".company" in module and hasattr(provider, "formats"):
            company = provider

    def names(values: Any) -> Any:
        return dict(values) if isinstance(values, dict) else list(values)

    return {
        "first": names(getattr(person, "first_names", None) or ("Alex",)),
        "last": names(getattr(person, "last_names", None) or ("Smith",)),
        "company_formats": list(
            getattr(company, "formats", None) or ("{{last_name}} {{company_suffix}}",)
        ),
        "suffixes": list(getattr(company, "company_suffixes", None) or ("Inc",)),
    }


def installed_faker() -> str:
    """The installed Faker's version, read from the ``Version:`` line of its metadata (not
    ``importlib.metadata.version``: its email parser is a millisecond of every start)."""
    text = metadata.distribution("Faker").read_text("METADATA") or ""
    for line in text.splitlines():
        if not line:  # the end of the headers
            break
        if line.startswith("Version:"):
            return line.partition(":")[2].strip()
    return metadata.version("Faker")


def committed_tables(locale: str) -> dict[str, Any] | None:
    """The committed tables of ``locale`` (whatever Faker release is installed), or None when
    there are none for it."""
    if locale not in COMMITTED_LOCALES:
        return None
    try:
        committed = json.loads(TABLES_FILE.read_text("utf-8"))
    except (OSError, ValueError):
        return None  # no file (a trimmed install): read Faker itself
    tables = committed.get("locales", {}).get(locale)
    return tables if isinstance(tables, dict) else None


def render() -> str:
    """The committed file's text, read from the installed Faker."""
    document = {
        "faker": installed_faker(),
        "locales": {locale: faker_tables(locale) for locale in COMMITTED_LOCALES},
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``--write`` the committed file, or ``--check`` it (exit 1 when stale)."""
    parser = argparse.ArgumentParser(prog="python -m simulator.data.faker_tables")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true")
    mode.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    text = render()
    if args.write:
        TABLES_FILE.write_text(text, "utf-8")
        return 0
    if not TABLES_FILE.exists() or TABLES_FILE.read_text("utf-8") != text:
        print(f"{TABLES_FILE} is stale: python -m simulator.data.faker_tables --write")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
