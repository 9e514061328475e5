"""The built-in tenant: ``default_tenant.yaml``, read at start from its committed JSON twin.

The YAML file is the one users read and copy (``docs/tenant.md``); every start of the window
reads the built-in tenant, and parsing YAML there would cost the import of PyYAML (~10 ms) before
the window is usable. So the package also carries ``default_tenant.json``, the same data as
JSON, kept equal to the YAML by a test (``python -m simulator.data.builtin_tenant --write``
regenerates it). The tenant is built from it without validation: a test proves the result is the
tenant ``Tenant.model_validate`` gives, type for type (``simulator.data.trusted``).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from simulator.data.tenant import Tenant
from simulator.data.trusted import construct

__all__ = ["JSON_FILE", "YAML_FILE", "builtin_data", "builtin_tenant", "render_json"]

YAML_FILE = "default_tenant.yaml"
"""The built-in tenant as users see it (the source)."""
JSON_FILE = "default_tenant.json"
"""The same data, read at start (generated)."""


def builtin_data() -> dict[str, Any]:
    """The built-in tenant's data as parsed from its file."""
    text = resources.files("simulator.data").joinpath(JSON_FILE).read_text("utf-8")
    data = json.loads(text)
    assert isinstance(data, dict), JSON_FILE
    return data


def builtin_tenant(data: dict[str, Any] | None = None) -> Tenant:
    """The built-in tenant (or one from data already proven valid), without validation."""
    tenant = construct(Tenant, builtin_data() if data is None else data)
    return tenant.resolve_references()  # the same cross-checks and team ids as validation


def render_json() -> str:
    """``default_tenant.json`` as it must be: the YAML's data, stable and readable."""
    from simulator.data.bounded_yaml import TenantLoader

    text = resources.files("simulator.data").joinpath(YAML_FILE).read_text("utf-8")
    loader = TenantLoader(text)  # as ``load_tenant`` reads a file
    try:
        data = loader.get_single_data()
    finally:
        loader.dispose()
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m simulator.data.builtin_tenant --write|--check``."""
    from simulator.contract.schema import write_or_check

    path = Path(__file__).with_name(JSON_FILE)
    return write_or_check("simulator.data.builtin_tenant", path, render_json(), argv)


if __name__ == "__main__":
    raise SystemExit(main())
