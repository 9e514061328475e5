"""A tenant file given by mistake is said for what it is, as a scenario is: an empty file was
"a tenant file must be a mapping", a folder "cannot read the tenant file: Is a directory", and an
unknown key was marked at its value (``name: x`` at the ``x``), not where the key is written."""

from __future__ import annotations

import pytest

from simulator.data import InputFileError, load_tenant


@pytest.mark.parametrize("text", ["", "   \n# only a comment\n", "\ufeff"])
def test_an_empty_tenant_file_is_called_empty(text, tmp_path):
    path = tmp_path / "tenant.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputFileError) as exc:
        load_tenant(path)
    assert str(exc.value) == (
        f"{path}:1:1: the file is empty: a tenant is a mapping (name:, host:, agent: ...)"
    )


def test_a_folder_given_as_the_tenant_is_called_a_folder(tmp_path):
    with pytest.raises(InputFileError) as exc:
        load_tenant(tmp_path)
    assert str(exc.value) == f"{tmp_path}: is a folder: give the tenant file (a .yaml) in it"


def test_an_unknown_key_is_marked_where_the_key_is_written(tmp_path):
    path = tmp_path / "tenant.yaml"
    path.write_text("name: T\nseed: 7\n", encoding="utf-8")
    with pytest.raises(InputFileError) as exc:
        load_tenant(path)
    assert str(exc.value).startswith(f"{path}:2:1: unknown key `seed`")
