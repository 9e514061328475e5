"""The webhook secret (and a password in the webhook URL) is never stored in any form, is masked
in every plugin text adsim prints or journals, and masking never rewrites data."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.handlers.secrets import SecretMask, redacted_argv

SCENARIOS = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios"
SECRET = "hush-hush-0451-secret"
PASSWORD = "url-pass-7731"
SERVICE_SECRET = "Customer Support"  # a secret that spells a tenant's service name
DISPOSITIONS = {"Sales": "Product sold", SERVICE_SECRET: "Problem solved"}


def _scenario(tmp_path: Path, service: str) -> Path:
    path = tmp_path / "call.yaml"
    path.write_text(
        f"name: secret\nsteps:\n  - call: {service}\n  - accept\n  - hang_up: customer\n"
        f"  - disposition: {DISPOSITIONS[service]}\n  - complete\n",
        encoding="utf-8",
    )
    return path


def _plugin(tmp_path: Path, secret: str) -> Path:
    """A plugin whose error message spells the secret (it read it from its own config)."""
    path = tmp_path / "leaky.py"
    path.write_text(
        "def register(ad_api):\n"
        "    def save(activity):\n"
        f"        raise RuntimeError('token {secret!s} refused for ' + activity.service)\n"
        "    ad_api.on('ON_SAVE_ACTIVITY_RECORD', save)\n",
        encoding="utf-8",
    )
    return path


def _raw(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.iterdir() if p.is_file())


def _meta(journal: Path) -> list[dict]:
    db = sqlite3.connect(journal)
    try:
        return [json.loads(meta) for (meta,) in db.execute("SELECT meta FROM runs")]
    finally:
        db.close()


SPELLINGS = {
    "separate": lambda secret: ["--webhook-secret", secret],
    "equals": lambda secret: [f"--webhook-secret={secret}"],
    "env": lambda secret: [],
}


@pytest.mark.parametrize("spelling", sorted(SPELLINGS))
def test_the_secret_in_every_spelling_is_never_stored_nor_printed(
    spelling, tmp_path, monkeypatch, capsys, httpserver
):
    httpserver.expect_request("/hook").respond_with_data("down", status=503)
    url = httpserver.url_for("/hook").replace("http://", f"http://crm:{PASSWORD}@")
    if spelling == "env":
        monkeypatch.setenv("ADSIM_WEBHOOK_SECRET", SECRET)
    data = tmp_path / "data"
    data.mkdir()
    journal = data / "journal.sqlite3"
    argv = [
        "run",
        str(_scenario(tmp_path, "Sales")),
        *("--journal", str(journal), "--no-entry-points", "--trace-handlers"),
        *("--handler", str(_plugin(tmp_path, SECRET))),
        *("--webhook", url, "--webhook-attempts", "1"),
        *SPELLINGS[spelling](SECRET),
    ]
    monkeypatch.setattr("sys.argv", ["adsim", *argv])  # what build_host stores, redacted
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 1, "the plugin and the webhook failed"
    assert "token *** refused for Sales" in err, "the plugin's error is shown, masked"
    assert SECRET not in out + err and PASSWORD not in out + err
    assert SECRET.encode() not in _raw(data) and PASSWORD.encode() not in _raw(data)
    [meta] = _meta(journal)
    assert meta["webhook_secret"] is True, "its presence is recorded"
    assert SECRET not in json.dumps(meta) and PASSWORD not in json.dumps(meta)
    assert main(["journal", "export", "--journal", str(journal)]) == 0
    exported = capsys.readouterr().out
    assert SECRET not in exported and "token *** refused for Sales" in exported


def test_an_abbreviated_secret_option_is_refused(tmp_path, capsys):
    journal = tmp_path / "journal.sqlite3"
    for command in (["demo"], ["run", str(_scenario(tmp_path, "Sales"))]):
        with pytest.raises(SystemExit) as info:
            main([*command, "--journal", str(journal), "--webhook-secr", SECRET])
        assert info.value.code == 2
        assert "unrecognized arguments: --webhook-secr" in capsys.readouterr().err
    assert not journal.exists(), "refused before anything ran"


def test_masking_never_rewrites_data_a_service_named_like_the_secret_stays(
    tmp_path, monkeypatch, capsys, httpserver
):
    httpserver.expect_request("/hook").respond_with_data("ok")
    journal = tmp_path / "journal.sqlite3"
    argv = [
        "run",
        str(_scenario(tmp_path, SERVICE_SECRET)),
        *("--journal", str(journal), "--no-entry-points"),
        *("--handler", str(_plugin(tmp_path, "xyzzy-token"))),
        *("--webhook", httpserver.url_for("/hook"), "--webhook-secret", SERVICE_SECRET),
    ]
    monkeypatch.setattr("sys.argv", ["adsim", *argv])
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "token xyzzy-token refused for ***" in err, "printed plugin text is masked"
    assert main(["journal", "export", "--journal", str(journal)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    saved = [
        r for r in rows if r.get("event") == "ON_SAVE_ACTIVITY_RECORD" and r["kind"] == "event"
    ]
    assert saved[0]["args"][0]["service"] == SERVICE_SECRET, "the journaled payload is intact"
    errors = [r["error"] for r in rows if r["kind"] == "outcome" and r.get("error")]
    assert errors == ["RuntimeError: token xyzzy-token refused for ***"]
    [request] = [entry[0] for entry in httpserver.log]
    assert json.loads(request.data)["service"] == SERVICE_SECRET, "the webhook got real data"
    [meta] = _meta(journal)
    assert meta["webhook_secret"] is True and SERVICE_SECRET not in json.dumps(meta)


@pytest.mark.parametrize("where", ["option", "env"])
def test_a_secret_too_short_to_mask_is_refused_with_one_line(where, tmp_path, monkeypatch, capsys):
    extra = ["--webhook-secret", "short"] if where == "option" else []
    if where == "env":
        monkeypatch.setenv("ADSIM_WEBHOOK_SECRET", "short")
    code = main(
        [
            "demo",
            *("--journal", str(tmp_path / "j.sqlite3"), "--no-entry-points"),
            *("--webhook", "http://127.0.0.1:9/hook"),
            *extra,
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "at least 8 characters" in lines[0]
    assert ("--webhook-secret" if where == "option" else "$ADSIM_WEBHOOK_SECRET") in lines[0]
    assert "short" not in lines[0].replace("shorter", "")


def test_redacted_argv_leaves_out_every_spelling_and_url_passwords():
    argv = [
        "run",
        "x.yaml",
        *("--webhook-secret", SECRET),
        f"--webhook-secret={SECRET}",
        *("--webhook-se", SECRET),
        f"--webhook-s={SECRET}",
        *("--webhook", f"https://user:{PASSWORD}@crm.example/hook"),
        f"--webhook=https://user:{PASSWORD}@crm.example/hook",
        "--webhook-events",
        "ON_SAVE_ACTIVITY_RECORD",
    ]
    stored = redacted_argv(argv)
    text = json.dumps(stored)
    assert SECRET not in text and PASSWORD not in text
    assert stored[:4] == ["run", "x.yaml", "--webhook-secret", "***"]
    assert "https://user:***@crm.example/hook" in stored
    assert stored[-2:] == ["--webhook-events", "ON_SAVE_ACTIVITY_RECORD"], "other options kept"


def test_a_short_url_password_is_masked_only_in_its_userinfo_form():
    mask = SecretMask()
    mask.add_url("https://bob:pw@crm.example/hook")
    assert mask.text("POST https://bob:pw@crm.example/hook failed") == (
        "POST https://bob:***@crm.example/hook failed"
    )
    assert mask.text("pw is a word") == "pw is a word"


def test_overlapping_secrets_of_one_length_mask_alike_under_every_hash_seed():
    code = (
        "from simulator.handlers.secrets import SecretMask\n"
        "m = SecretMask(); m.add('abcdefgh'); m.add('bcdefghi'); print(m.text('xabcdefghiy'))"
    )
    seen = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout
        for seed in range(8)
    }
    assert seen == {"x***iy\n"}


TOKEN = "tok-5e1f-77aa"


def test_the_values_of_a_webhook_urls_query_are_never_stored_nor_printed(
    tmp_path, monkeypatch, capsys, httpserver
):
    """A token in the query string (``?token=...``, ``?code=...``) was printed in every error
    line and the summary, and stored in the journal's command line; a short value too."""
    httpserver.expect_request("/hook").respond_with_data("down", status=503)
    url = httpserver.url_for("/hook") + f"?token={TOKEN}&v=42"
    data = tmp_path / "data"
    data.mkdir()
    journal = data / "journal.sqlite3"
    argv = [
        "run",
        str(_scenario(tmp_path, "Sales")),
        *("--journal", str(journal), "--no-entry-points", "--trace-handlers"),
        *("--handler", str(_plugin(tmp_path, f"{url} v=42"))),
        *("--webhook", url, "--webhook-attempts", "1"),
    ]
    monkeypatch.setattr("sys.argv", ["adsim", *argv])
    assert main(argv) == 1
    out, err = capsys.readouterr()
    assert "/hook?token=***&v=*** did not take ON_SAVE_ACTIVITY_RECORD" in err
    assert "token /hook?token=***&v=*** v=*** refused" in err.replace(
        httpserver.url_for(""), "/"
    ), "the plugin's own text, masked"
    assert TOKEN not in out + err and "v=42" not in out + err
    assert TOKEN.encode() not in _raw(data) and b"v=42" not in _raw(data)
    [meta] = _meta(journal)
    assert f"{httpserver.url_for('/hook')}?token=***&v=***" in meta["argv"]
    [request] = [entry[0] for entry in httpserver.log]
    assert dict(request.args) == {"token": TOKEN, "v": "42"}, "the endpoint got the URL as given"


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("https://crm.example/hook?sig=abc&sv=2024", "https://crm.example/hook?sig=***&sv=***"),
        ("https://u:pw@crm.example/h?code=x", "https://u:***@crm.example/h?code=***"),
        ("https://crm.example/h?abc123&empty=", "https://crm.example/h?***&empty="),
        ("https://crm.example/hook", "https://crm.example/hook"),
        ("fixtures/odd?name=x.yaml", "fixtures/odd?name=x.yaml"),  # a path, not a URL
        ("--webhook=https://crm.example/h?key=k", "--webhook=https://crm.example/h?key=***"),
    ],
)
def test_redacted_argv_leaves_out_query_values_of_urls_only(given, stored):
    assert redacted_argv([given]) == [stored]


def test_query_values_are_masked_in_plugin_text_short_ones_only_with_their_name():
    mask = SecretMask()
    mask.add_url("https://crm.example/hook?token=a%2Fb-long-value&v=2")
    assert mask.text("GET /hook?token=a%2Fb-long-value&v=2 said a/b-long-value") == (
        "GET /hook?token=***&v=*** said ***"
    )
    assert mask.text("v2 and 2 stay") == "v2 and 2 stay"
