"""A ``--webhook-...`` option without ``--webhook`` posts nothing: ``--webhook-events ON_LOGIN``,
``--webhook-attempts`` and ``--webhook-backoff`` given alone were taken without a word (only
``--webhook-secret`` said it did nothing), and a tester who forgot ``--webhook`` saw a run pass
with nothing posted."""

from __future__ import annotations

import pytest

from simulator.cli import main


@pytest.mark.parametrize(
    ("options", "line"),
    [
        (
            ["--webhook-events", "ON_LOGIN"],
            "adsim: --webhook-events without --webhook does nothing",
        ),
        (["--webhook-attempts", "3"], "adsim: --webhook-attempts without --webhook does nothing"),
        (["--webhook-backoff", "4"], "adsim: --webhook-backoff without --webhook does nothing"),
        (
            ["--webhook-secret", "longenough1"],
            "adsim: --webhook-secret without --webhook does nothing",
        ),
        (
            ["--webhook-attempts", "4", "--webhook-backoff", "0.5", "--webhook-secret", "s" * 8],
            "adsim: --webhook-secret, --webhook-attempts, --webhook-backoff without --webhook do "
            "nothing",
        ),
    ],
)
def test_a_webhook_option_without_the_webhook_says_it_does_nothing(capsys, options, line):
    assert main(["demo", "--journal", ":memory:", *options]) == 0
    err = capsys.readouterr().err
    assert f"{line}\n" in err
    assert err.count("without --webhook") == 1


def test_the_webhooks_own_defaults_say_nothing(capsys, monkeypatch):
    monkeypatch.setenv("ADSIM_WEBHOOK_SECRET", "from-the-environment")  # a CI's, for any run
    assert main(["demo", "--journal", ":memory:"]) == 0
    assert "without --webhook" not in capsys.readouterr().err


@pytest.mark.parametrize("more", [[], ["--handler", "HANDLER"]], ids=["no-plugin", "a-plugin"])
def test_adsim_run_says_it_once_for_every_agent(tmp_path, capsys, more):
    """``adsim run`` said nothing without a plugin or a journal (no host was made), and the
    secret's line once per agent of a scenario with ``agents:``."""
    handler = tmp_path / "crm.py"
    handler.write_text("def register(ad_api):\n    pass\n", encoding="utf-8")
    scenario = tmp_path / "two.yaml"
    scenario.write_text("agents: [omar]\nsteps:\n  - call: Sales\n", encoding="utf-8")
    options = [str(handler) if arg == "HANDLER" else arg for arg in more]
    argv = ["run", str(scenario), "--journal", ":memory:", "--webhook-events", "ON_LOGIN"]
    assert main([*argv, *options]) == 0
    err = capsys.readouterr().err
    assert err.count("adsim: --webhook-events without --webhook does nothing\n") == 1
