"""What a test reads of its handler's state, and what it is told when that misleads it: an
``ad_api`` an earlier test's ``register()`` gave, kept in a global and called in a later test,
acts on nothing and says so (it acted on the stopped simulator and answered success, or said
only ``the simulator has stopped``)."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

NO_QT = ("-p", "no:pytest-qt", "-p", "no:cacheprovider")

KEPT = (
    "api_not_answer*: this ad_api's handler host was closed (its run ended; under pytest, the "
    "test whose adsim loaded the plugin ended), so the call does nothing. An ad_api kept from "
    "an earlier register() call acts on nothing: use the one the latest register(ad_api) gave "
    "(under pytest, register() runs again for each adsim fixture)*"
)


@pytest.mark.parametrize("where", ["handler", "test"])
def test_an_ad_api_kept_from_an_earlier_test_says_it_acts_on_nothing(pytester, where):
    """From a handler of the later test it said ``set_disposition: the simulator has stopped``;
    from the test itself (the simulation's thread) it set the earlier test's stopped desktop
    Ready and answered success."""
    pytester.makeini("[pytest]\nadsim_handlers = crm_handler.py\n")
    pytester.makepyfile(
        crm_handler=(
            "API = None\nRESULTS = []\n\n\ndef on_new(interaction):\n"
            "    RESULTS.append(API.set_disposition('Product sold'))\n\n\n"
            "def register(ad_api):\n    global API\n    if API is None:\n        API = ad_api\n"
            "    ad_api.on('ON_NEW_INTERACTION', on_new)\n"
        )
    )
    later = (
        "    adsim.offer_call('Sales')\n    result = crm_handler.RESULTS[-1]\n"
        if where == "handler"
        else "    result = crm_handler.API.set_agent_state('not_ready')\n"
    )
    pytester.makepyfile(
        test_crm=(
            "import crm_handler\n\n\ndef test_a(adsim):\n    adsim.login()\n"
            "    adsim.set_agent_state('ready')\n    adsim.offer_call('Sales')\n"
            "    assert crm_handler.RESULTS[-1].status == 'success'\n\n\n"
            "def test_b(adsim):\n    adsim.login()\n    adsim.set_agent_state('ready')\n"
            f"{later}    print(result.status, result.error.name, result.error.message)\n"
        )
    )
    result = pytester.runpytest(*NO_QT, "-s")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([f"*error {KEPT}"])


CRM = (
    "RECORDS = []\n\n\ndef saved():\n    return len(RECORDS)\n\n\ndef register(ad_api):\n"
    "    ad_api.on('ON_SAVE_ACTIVITY_RECORD', RECORDS.append)\n"
)

FLOW = (
    "def flow(adsim):\n    adsim.login()\n    adsim.set_agent_state('ready')\n"
    "    adsim.offer_call('Sales')\n    adsim.accept_interaction()\n"
    "    adsim.customer_hang_up()\n    adsim.set_disposition('Product sold')\n"
    "    adsim.complete_interaction()\n\n\n"
)

ANOTHER_COPY = (
    "test_crm.py:{line} reads {what}, of this test process's copy of the handler module "
    "crm_handler ({path}/crm_handler.py). With handler_isolation=process the handler plugin "
    "loaded from that file runs in a process of its own: its calls change that process's copy "
    "of the module, never this one, which stays as this test process left it. Check what the "
    "handler did through adsim (adsim.records, adsim.outcomes) or your CRM's mock, or give "
    'this test @pytest.mark.adsim(handler_isolation="thread").'
)


@pytest.mark.parametrize("spec", ["crm_handler.py", "crm_handler"])
@pytest.mark.parametrize(
    ("reading", "what"),
    [
        ("assert len(crm_handler.RECORDS) == 1", "crm_handler.RECORDS"),
        ("assert RECORDS", "RECORDS (crm_handler.RECORDS)"),
        ("records = crm_handler.RECORDS\n    assert records", "records (crm_handler.RECORDS)"),
        ("assert saved() == 1", "saved (crm_handler.saved)"),
    ],
    ids=["module", "from-import", "kept", "its-function"],
)
def test_a_failing_line_reading_the_handlers_module_under_process_isolation_says_why(
    pytester, spec, reading, what
):
    """With ``adsim_handler_isolation = process`` the handler runs in a process of its own: the
    ``crm_handler`` the test imported is another copy, its ``RECORDS`` empty, and the test
    failed with ``assert 0 == 1`` and no word of why."""
    pytester.makeini(
        f"[pytest]\npythonpath = .\nadsim_handlers = {spec}\nadsim_handler_isolation = process\n"
    )
    pytester.makepyfile(crm_handler=CRM)
    pytester.makepyfile(
        test_crm=(
            f"import crm_handler\nfrom crm_handler import RECORDS, saved\n\n\n{FLOW}"
            f"def test_saved(adsim):\n    flow(adsim)\n    {reading}\n"
        )
    )
    result = pytester.runpytest(*NO_QT)
    result.assert_outcomes(failed=1)
    line = 17 + reading.count("\n")
    result.stdout.fnmatch_lines(
        [
            "*- adsim: handler isolation -*",
            ANOTHER_COPY.format(line=line, what=what, path=pytester.path),
        ]
    )


def test_no_copy_is_said_of_a_failing_line_that_reads_no_handler_module(pytester):
    """The false positive of a check of ``sys.modules``: test A imports the handler module
    (earlier in the session), test B imports it at the top of its file too, or not at all, and
    fails on a line that reads no handler state: neither B is told of a copy. Nor is a test
    with thread isolation, whose module is the handler's own."""
    pytester.makeini(
        "[pytest]\npythonpath = .\nadsim_handlers = crm_handler.py\n"
        "adsim_handler_isolation = process\n"
    )
    pytester.makepyfile(crm_handler=CRM)
    pytester.makepyfile(
        test_a=(
            f"import pytest\n\n\n{FLOW}def test_a(adsim):\n    import crm_handler\n\n"
            "    flow(adsim)\n    assert crm_handler.RECORDS == []\n\n\n"
            "def test_b_same_module(adsim):\n    import crm_handler\n\n    flow(adsim)\n"
            "    assert adsim.records == [], 'for another reason'\n\n\n"
            "class Odd:\n    def __getattr__(self, name):\n        raise KeyError(name)\n\n\n"
            "def test_odd_object(adsim):\n    odd = Odd()\n    assert not odd\n\n\n"
            "@pytest.mark.adsim(handler_isolation='thread')\n"
            "def test_thread(adsim):\n    import crm_handler\n\n    flow(adsim)\n"
            "    assert crm_handler.RECORDS == []\n"
        ),
        test_b=f"{FLOW}def test_b(adsim):\n    flow(adsim)\n    assert adsim.records == []\n",
    )
    result = pytester.runpytest(*NO_QT)
    result.assert_outcomes(passed=1, failed=4)
    out = result.stdout.str()
    assert "adsim: handler isolation" not in out and "adsim: notes" not in out, out


def test_a_failed_test_whose_handlers_were_never_called_is_told(pytester):
    """A handler subscribed to an event the test's flow never brings: a test asserting what it
    stored failed with no word of why. Its report says so (as ``adsim run``'s summary); a test
    that passes is not failed over it, one whose handler was called gets no such note, nor one
    failed by adsim's own refusal or usage error, which says what went wrong itself."""
    pytester.makeini("[pytest]\nadsim_handlers = crm_handler.py\n")
    pytester.makepyfile(crm_handler=CRM)
    pytester.makepyfile(
        test_crm=(
            f"import crm_handler\n\n\n{FLOW}"
            "def test_never_called(adsim):\n    adsim.login()\n"
            "    assert crm_handler.RECORDS\n\n\n"
            "def test_passes_uncalled(adsim):\n    adsim.login()\n\n\n"
            "def test_called(adsim):\n    flow(adsim)\n    assert not crm_handler.RECORDS\n\n\n"
            "def test_refused(adsim):\n    adsim.login()\n    adsim.accept_interaction()\n\n\n"
            "def test_misused(adsim):\n    adsim.advance('2m')\n"
        )
    )
    result = pytester.runpytest(*NO_QT)
    result.assert_outcomes(passed=1, failed=4)
    result.stdout.fnmatch_lines(
        [
            "*_ test_never_called _*",
            "*- adsim: no handler called -*",
            "No handler was called during this test: the handlers loaded take "
            "ON_SAVE_ACTIVITY_RECORD, and no such event came (adsim.events: ON_LOGIN, "
            "ON_AGENT_STATE_CHANGE). An assertion on what a handler stored or did sees nothing "
            "it did.",
            "*_ test_called _*",
        ]
    )
    assert result.stdout.str().count("adsim: no handler called") == 1


def test_the_no_handler_note_counts_the_scenario_runs(pytester):
    """A run's events are not ``adsim.events``: the note says the runs brought none either, and
    a run that called the handler is a call (no note)."""
    pytester.makeini("[pytest]\nadsim_handlers = crm_handler.py\n")
    pytester.makepyfile(crm_handler=CRM)
    pytester.makefile(
        ".yaml",
        ringing="name: ringing\nsteps:\n  - call: Sales\n  - accept\n",
        saved=(
            "name: saved\nsteps:\n  - call: Sales\n  - accept\n  - hang_up\n"
            "  - disposition: Product sold\n  - complete\n"
        ),
    )
    pytester.makepyfile(
        test_runs=(
            "def test_ringing(adsim_scenario):\n    result = adsim_scenario('ringing.yaml')\n"
            "    assert not result.passed\n\n\n"
            "def test_saved(adsim_scenario):\n    result = adsim_scenario('saved.yaml')\n"
            "    assert not result.passed\n"
        )
    )
    result = pytester.runpytest(*NO_QT)
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "*- adsim: no handler called -*",
            "No handler was called during this test: the handlers loaded take "
            "ON_SAVE_ACTIVITY_RECORD, and no such event came (adsim.events is empty; nor in its "
            "1 adsim_scenario run(s)). *",
        ]
    )
    assert result.stdout.str().count("adsim: no handler called") == 1


def test_an_ad_api_kept_from_an_earlier_test_refuses_to_subscribe(pytester):
    """``on`` of a kept ``ad_api`` subscribed to a registry nothing reads any more: the handler
    was never called, and nothing said why."""
    pytester.makeini("[pytest]\nadsim_handlers = crm_handler.py\n")
    pytester.makepyfile(
        crm_handler=(
            "API = None\n\n\ndef register(ad_api):\n    global API\n    if API is None:\n"
            "        API = ad_api\n"
        )
    )
    pytester.makepyfile(
        test_crm=(
            "import pytest\n\nimport crm_handler\n\n\ndef test_a(adsim):\n    adsim.login()\n\n\n"
            "def test_b(adsim):\n    with pytest.raises(RuntimeError) as raised:\n"
            "        crm_handler.API.on('ON_NEW_INTERACTION', print)\n"
            "    print(raised.value)\n"
        )
    )
    result = pytester.runpytest(*NO_QT, "-s")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([KEPT.replace("api_not_answer*", "*on")])


PATCHED = (
    "This test patched crm_handler.post in this test process. With handler_isolation=process "
    "the handler plugin runs in a process of its own, which loaded its file itself: the patch "
    "does not reach its calls. Give the handler what it should use another way (an "
    "environment variable set before adsim, a mock server, as fixtures/example_integration "
    'does), or give this test @pytest.mark.adsim(handler_isolation="thread").'
)


def test_a_patch_of_the_handlers_module_under_process_isolation_is_said_not_to_reach_it(
    pytester,
):
    """``monkeypatch.setattr(crm_handler, "post", ...)`` (or ``mock.patch.object``) patched
    this process's copy: the handler's process called the real ``post``, and the test failed
    (on its assertion, or at its teardown over the handler's failure) with no word of why. A
    patch of something else, or with thread isolation (where it works), says nothing."""
    pytester.makeini(
        "[pytest]\npythonpath = .\nadsim_handlers = crm_handler.py\n"
        "adsim_handler_isolation = process\n"
    )
    pytester.makepyfile(
        crm_handler=(
            "def post(record):\n    raise ConnectionError('the real CRM')\n\n\n"
            "def register(ad_api):\n    ad_api.on('ON_SAVE_ACTIVITY_RECORD', lambda r: post(r))\n"
        )
    )
    pytester.makepyfile(
        test_crm=(
            f"import os\nfrom unittest import mock\n\nimport pytest\n\nimport crm_handler\n\n\n"
            f"{FLOW}def test_assertion(adsim, monkeypatch):\n    sent = []\n"
            "    monkeypatch.setattr(crm_handler, 'post', sent.append)\n    flow(adsim)\n"
            "    assert len(sent) == 1\n\n\n"
            "def test_teardown(adsim, request):\n"
            "    patcher = mock.patch.object(crm_handler, 'post')  # as pytest-mock's mocker\n"
            "    patcher.start()\n    request.addfinalizer(patcher.stop)\n    flow(adsim)\n\n\n"
            "def test_other_patch(adsim, monkeypatch):\n"
            "    monkeypatch.setattr(os, 'sep', '/')\n    flow(adsim)\n\n\n"
            "@pytest.mark.adsim(handler_isolation='thread')\n"
            "def test_thread(adsim, monkeypatch):\n"
            "    monkeypatch.setattr(crm_handler, 'post', print)\n    flow(adsim)\n"
            "    assert False\n"
        )
    )
    result = pytester.runpytest(*NO_QT)
    result.assert_outcomes(failed=2, passed=2, errors=2)
    out = result.stdout.str()
    assert out.count("adsim: handler isolation") == 2, out
    result.stdout.fnmatch_lines(
        [
            "*_ ERROR at teardown of test_teardown _*",
            "*- adsim: handler isolation -*",
            PATCHED,
            "*_ ERROR at teardown of test_other_patch _*",
            "*_ test_assertion _*",
            "*- adsim: handler isolation -*",
            PATCHED,
            "*_ test_thread _*",
        ]
    )


def test_no_copy_is_said_of_what_the_handler_module_only_imported(pytester):
    """``from os import environ`` in the handler bound ``os.environ`` in its namespace: a
    failing ``assert os.environ.get(...)`` was told it read this process's copy of the
    handler module (``crm_handler.environ``). What it imported is not its own state."""
    pytester.makeini(
        "[pytest]\npythonpath = .\nadsim_handlers = crm_handler.py\n"
        "adsim_handler_isolation = process\n"
    )
    pytester.makepyfile(
        crm_handler="import os\nfrom os import environ\nfrom time import time\n\n\n" + CRM
    )
    pytester.makepyfile(
        test_crm=(
            "import os\nimport time\n\nimport crm_handler\n\n\n"
            "def test_environ(adsim):\n    adsim.login()\n"
            "    assert os.environ.get('NOPE_X') == '1'\n\n\n"
            "def test_time(adsim):\n    adsim.login()\n    assert time.time() < 0\n"
        )
    )
    result = pytester.runpytest(*NO_QT)
    result.assert_outcomes(failed=2)
    assert "adsim: handler isolation" not in result.stdout.str(), result.stdout.str()


def test_no_copy_is_said_of_a_sibling_module_or_a_constant(pytester):
    """The handler a package (``acme``): ``acme.phones.normalize(...)`` was said to read
    ``acme`` (the prefix of the dotted name); ``acme.TIMEOUT`` (a constant, the same in both
    copies) too. The module itself passed whole still counts."""
    pytester.makeini(
        "[pytest]\npythonpath = src\nadsim_handlers = acme\nadsim_handler_isolation = process\n"
    )
    pytester.mkdir("src")
    pytester.mkpydir("src/acme")
    pytester.path.joinpath("src", "acme", "__init__.py").write_text(
        "TIMEOUT = 5\nRECORDS = []\n\n\ndef register(ad_api):\n"
        "    ad_api.on('ON_LOGIN', RECORDS.append)\n"
    )
    pytester.path.joinpath("src", "acme", "phones.py").write_text(
        "def normalize(p):\n    return p.replace(' ', '')\n"
    )
    pytester.makepyfile(
        test_crm=(
            "import acme.phones\n\n\ndef test_sibling(adsim):\n    adsim.login()\n"
            "    assert acme.phones.normalize('+1 415') == '+1-415'\n\n\n"
            "def test_constant(adsim):\n    adsim.login()\n    assert acme.TIMEOUT == 6\n\n\n"
            "def test_whole(adsim):\n    adsim.login()\n"
            "    assert len(vars(acme)['RECORDS']) == 1\n"
        )
    )
    result = pytester.runpytest(*NO_QT)
    result.assert_outcomes(failed=3)
    out = result.stdout.str()
    assert out.count("adsim: handler isolation") == 1, out
    result.stdout.fnmatch_lines(["*_ test_whole _*", "test_crm.py:16 reads acme, of this*"])


def test_no_patch_is_said_of_the_handlers_own_mock_or_an_earlier_tests(pytester):
    """Any mock in the handler's namespace was said to be this test's patch: the handler's
    own default (``CLIENT = mock.MagicMock()``), a patch an earlier test left in place, and
    the module's own mock made again by a reload in the test."""
    pytester.makeini(
        "[pytest]\npythonpath = .\nadsim_handlers = crmh.py\nadsim_handler_isolation = process\n"
    )
    pytester.makepyfile(
        crmh=(
            "from unittest import mock\n\nCLIENT = mock.MagicMock()\n\n\n"
            "def on_login(event):\n    CLIENT.post(event)\n\n\n"
            "def register(ad_api):\n    ad_api.on('ON_LOGIN', on_login)\n"
        )
    )
    pytester.makepyfile(
        test_m=(
            "import importlib\nfrom unittest import mock\n\nimport crmh\n\n\n"
            "def test_1_leaks_a_patch(adsim):\n    mock.patch.object(crmh, 'on_login').start()\n"
            "    adsim.login()\n\n\n"
            "def test_2_unrelated(adsim):\n    adsim.login()\n    assert adsim.records == [1]\n\n\n"
            "def test_3_reloaded(adsim):\n    importlib.reload(crmh)\n    adsim.login()\n"
            "    assert adsim.records == [1]\n"
        )
    )
    result = pytester.runpytest(*NO_QT)
    result.assert_outcomes(passed=1, failed=2)
    assert "adsim: handler isolation" not in result.stdout.str(), result.stdout.str()


def test_a_passing_test_costs_no_patch_check(pytester, monkeypatch):
    """Every call phase that did not fail looked for patches in all of ``sys.modules``
    (about 1.5 ms a test), though only a teardown failing over handler failures reads it."""
    from simulator.testing import failure_notes

    calls = []
    real = failure_notes.patched
    monkeypatch.setattr(failure_notes, "patched", lambda *a: calls.append(a) or real(*a))
    pytester.makeini(
        "[pytest]\npythonpath = .\nadsim_handlers = crm_handler.py\n"
        "adsim_handler_isolation = process\n"
    )
    pytester.makepyfile(crm_handler=CRM)
    pytester.makepyfile(
        test_crm=(
            "import pytest\n\nimport crm_handler\n\n\n"
            "def test_process(adsim, monkeypatch):\n"
            "    monkeypatch.setattr(crm_handler, 'saved', print)\n    adsim.login()\n\n\n"
            "@pytest.mark.adsim(handler_isolation='thread')\n"
            "def test_thread(adsim):\n    adsim.login()\n"
        )
    )
    result = pytester.runpytest_inprocess(*NO_QT)
    result.assert_outcomes(passed=2)
    assert calls == []


def test_outside_pytest_a_call_after_the_end_says_the_simulator_stopped(tmp_path, monkeypatch):
    """``adsim run`` or the window: a plugin's thread calling once the host closed was told
    of an ``ad_api`` kept from an earlier register() and to use the latest one: advice for
    pytest only. It says the simulator has stopped, with the same error code."""
    import threading

    from simulator.contract import ResultErrorCode
    from simulator.engine import Simulator
    from simulator.handlers import HandlerHost
    from simulator.journal import Journal

    (tmp_path / "kept_box.py").write_text("KEPT = []\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    plugin = tmp_path / "keeper_plugin.py"
    plugin.write_text(
        "import kept_box\n\n\ndef register(ad_api):\n    kept_box.KEPT.append(ad_api)\n"
        "    ad_api.on('ON_LOGIN', print)\n",
        encoding="utf-8",
    )
    sim = Simulator(seed=1)
    host = HandlerHost(sim, timeout=30.0, journal=Journal.open(":memory:"))
    try:
        [status] = host.load(plugin)
        assert status.loaded, status.error
    finally:
        host.close()
        host.journal.close()
    import kept_box

    [api] = kept_box.KEPT
    results = []
    thread = threading.Thread(target=lambda: results.append(api.set_agent_state("not_ready")))
    thread.start()
    thread.join()
    [result] = results
    assert result.error.code == ResultErrorCode.api_not_answer
    assert result.error.message == "set_agent_state: the simulator has stopped"
    with pytest.raises(RuntimeError, match=r"^on: the simulator has stopped$"):
        api.on("ON_LOGIN", print)


def test_a_tests_harness_is_let_go_after_its_teardown(pytester):
    """Each test's adsim harness (its simulator, journal, hosts) stayed in its item's stash
    until the session ended."""
    pytester.makeini("[pytest]\nadsim_handlers = crm_handler.py\n")
    pytester.makepyfile(crm_handler=CRM)
    pytester.makeconftest(
        "def pytest_sessionfinish(session):\n    from simulator.testing import plugin\n\n"
        "    kept = [item.stash.get(plugin._HARNESS, None) for item in session.items]\n"
        "    print('KEPT', sum(harness is not None for harness in kept))\n"
    )
    pytester.makepyfile(
        test_crm="def test_a(adsim):\n    adsim.login()\n\n\ndef test_b(adsim):\n    assert 0\n"
    )
    result = pytester.runpytest(*NO_QT, "-s")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*KEPT 0"])
