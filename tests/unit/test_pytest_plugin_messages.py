"""What an integration developer reads when a test fails: a handler that did not load is said
once (it was said twice, joined by "During handling of the above exception, another exception
occurred"); ``assert adsim.failures == []`` lists each failed call (it was a clipped dataclass
repr); the assertion helpers fail at the test's line, not inside the helper."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

NO_QT = ("-p", "no:pytest-qt", "-p", "no:cacheprovider")


@pytest.mark.parametrize(
    ("handler", "line"),
    [
        ("nope.py", "nope.py: no such file or folder (looked for */test_*0/nope.py)"),
        ("broken.py", "*broken.py:1: ZeroDivisionError: division by zero while importing it"),
    ],
    ids=["missing", "raises"],
)
def test_a_handler_that_did_not_load_is_said_once(pytester, handler, line):
    pytester.makepyfile(broken="1 / 0\n")
    pytester.makepyfile("def test_a(adsim):\n    pass\n")
    result = pytester.runpytest(*NO_QT, "--adsim-handler", handler)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["adsim: a handler plugin did not load:", line])
    out = result.stdout.str()
    assert "During handling of the above exception" not in out
    # pytest's short summary echoes the message whole when CI is set in the environment (it
    # clips it to the terminal's width elsewhere): "once" is about the error's own report.
    report = out.partition("short test summary info")[0]
    assert report.count(handler + ":") == 1, out


@pytest.mark.parametrize(
    ("handler", "line"),
    [
        (
            "crm.mjs",
            "crm.mjs: a handler is a .py file with register(ad_api), or a folder of them; a "
            "JavaScript module runs under Node: simulator.web.NodeHandler(adsim.host, "
            "'crm.mjs').start() in the test adds it to adsim (docs/javascript.md)",
        ),
        ("notes.txt", "notes.txt: a handler is a .py file with register(ad_api), or a folder*"),
    ],
    ids=["javascript", "text"],
)
def test_a_handler_that_is_no_python_file_is_one_line(pytester, handler, line):
    """A ``.mjs`` (or any file not ``.py``) was a page of the handler host's frames ending in
    ``InputFileError`` and a hint for ``adsim run --js-handler``, no help in a test."""
    pytester.makefile(".mjs", crm="export function register(adApi) {}\n")
    pytester.makefile(".txt", notes="hello\n")
    pytester.makepyfile(
        f"import pytest\n\n@pytest.mark.adsim(handlers=[{handler!r}])\n"
        "def test_a(adsim):\n    pass\n"
    )
    result = pytester.runpytest(*NO_QT)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["adsim: a handler plugin did not load:", line])
    assert "Traceback" not in result.stdout.str() and "plugins.py" not in result.stdout.str()


FAILING = """
def register(ad_api):
    def lookup(interaction):
        raise ValueError("crm down")

    ad_api.on("ON_NEW_INTERACTION", lookup)
    ad_api.on("ON_REQUEST_TRANSFER_DATA", lambda interaction_id: object())
"""

FLOW = """
    adsim.login()
    adsim.set_agent_state("ready")
    adsim.offer_call("Sales")
    adsim.accept_interaction()
    adsim.blind_transfer("2001")
"""


@pytest.mark.parametrize(
    "check",
    ["assert adsim.failures == []", "assert [] == adsim.failures"],
    ids=["failures-left", "failures-right"],
)
def test_assert_failures_empty_lists_each_failed_call_with_its_line(pytester, check):
    pytester.makepyfile(crm=FAILING)
    pytester.makepyfile(f"def test_a(adsim):\n{FLOW}    {check}\n")
    result = pytester.runpytest(*NO_QT, "--adsim-handler", "crm.py")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E * 2 handler call(s) failed:",
            "E *#4 ON_NEW_INTERACTION -> crm:register.<locals>.lookup error in * ms: "
            "ValueError: crm down (at *crm.py:3)",
            "E *#* ON_REQUEST_TRANSFER_DATA -> crm:register.<locals>.<lambda> junk in * ms: "
            "ON_REQUEST_TRANSFER_DATA answer is not JSON (object)*",
        ]
    )
    assert "HandlerOutcome(" not in result.stdout.str()


def test_the_assertion_helpers_fail_at_the_tests_line(pytester):
    """Not inside the helper, with its source shown above the message."""
    pytester.makepyfile(crm=FAILING)
    pytester.makepyfile(
        f"""
        from simulator.testing import (
            assert_event_sequence, assert_no_handler_failures, assert_record_matches,
        )

        def test_failures(adsim):
            {FLOW.strip()}
            assert_no_handler_failures(adsim.outcomes)

        def test_sequence(adsim):
            adsim.login()
            assert_event_sequence(adsim.events, ["ON_SAVE_ACTIVITY_RECORD"])

        def test_record():
            assert_record_matches({{"duration": 5}}, {{"duration": 6}})
        """.replace("\n    adsim.", "\n            adsim.")
    )
    result = pytester.runpytest(*NO_QT, "--adsim-handler", "crm.py")
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(["E * ValueError: crm down (at *crm.py:3)"])
    out = result.stdout.str()
    assert "assertions.py" not in out and "raise AssertionError(" not in out, out


def test_assert_scenario_passed_says_why_a_run_failed(pytester):
    """``assert result.passed, result.failures`` said ``AssertionError: []`` when a handler
    failed or a step was refused: ``failures`` are only the expectations not met."""
    pytester.makepyfile(crm=FAILING)
    pytester.makefile(
        ".yaml",
        flow="name: Flow\nsteps:\n  - call: Sales\n  - wait: 3s\n  - accept\n"
        "  - blind_transfer: '2001'\n",
    )
    pytester.makepyfile(
        """
        from simulator.testing import assert_scenario_passed

        def test_flow(adsim_scenario):
            assert_scenario_passed(adsim_scenario("flow.yaml"))
        """
    )
    result = pytester.runpytest(*NO_QT, "--adsim-handler", "crm.py")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E * FAIL  Flow  (*flow.yaml, seed 0)",
            "E *2 handler errors*",
            "E *handler register.<locals>.lookup on ON_NEW_INTERACTION #*: error ValueError: "
            "crm down",
            "E *ON_REQUEST_TRANSFER_DATA*junk*",
        ]
    )
    assert "assertions.py" not in result.stdout.str()


def test_assert_scenario_passed_passes_a_run_that_passed(pytester):
    pytester.makefile(".yaml", flow="name: Flow\nsteps:\n  - call: Sales\n  - wait: 3s\n")
    pytester.makepyfile(
        """
        from simulator.testing import assert_scenario_passed

        def test_flow(adsim_scenario):
            assert_scenario_passed(adsim_scenario("flow.yaml"))
        """
    )
    pytester.runpytest(*NO_QT).assert_outcomes(passed=1)


@pytest.mark.parametrize("again", ["save.py", "./save.py", "save"], ids=["same", "dot", "module"])
def test_the_same_handler_from_the_ini_file_and_the_command_line_loads_once(pytester, again):
    """It was an ``IndexError`` from the handler host at every test's setup."""
    pytester.makepyfile(
        save="SAVED = []\n\ndef register(ad_api):\n"
        "    ad_api.on('ON_SAVE_ACTIVITY_RECORD', SAVED.append)\n"
    )
    pytester.makeini("[pytest]\nadsim_handlers = save.py\n")
    pytester.makepyfile(
        """
        import save

        def test_once(adsim):
            adsim.login()
            adsim.set_agent_state("ready")
            adsim.offer_call("Sales")
            adsim.accept_interaction()
            adsim.customer_hang_up()
            adsim.set_disposition("Product sold")
            adsim.complete_interaction()
            assert [p.name for p in adsim.host.plugins] == ["save"]
            assert len(save.SAVED) == 1
        """
    )
    pytester.runpytest(*NO_QT, "--adsim-handler", again).assert_outcomes(passed=1)


def test_a_package_handler_with_relative_imports_in_a_process_says_what_to_do(pytester):
    """A plugin process loads the handler's file alone: ``from .client import Client`` failed
    there with "No module named 'adsim_handlers'", a module the developer never wrote."""
    package = pytester.path / "src" / "acme"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "client.py").write_text("class Client:\n    pass\n", encoding="utf-8")
    (package / "handler.py").write_text(
        '"""The handler."""\n\nfrom .client import Client\n\n\ndef register(ad_api):\n'
        "    Client()\n",
        encoding="utf-8",
    )
    pytester.makeini("[pytest]\npythonpath = src\nadsim_handlers = acme.handler\n")
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.adsim(handler_isolation="process")
        def test_process(adsim):
            pass

        def test_thread(adsim):
            pass
        """
    )
    result = pytester.runpytest(*NO_QT)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "adsim: a handler plugin did not load:",
            "*src/acme/handler.py:3: acme.handler imports from its package (from .client "
            "import ...), which a plugin process cannot do: it loads the file alone. Import "
            "it as acme.client, or use handler_isolation='thread'",
        ]
    )
    assert "adsim_handlers" not in result.stdout.str()


@pytest.mark.parametrize(
    ("call", "line"),
    [
        (
            'adsim_scenario("name: x\\nsteps:\\n  - call: Sales\\n")',
            "E *ValueError: adsim_scenario() takes the path of a scenario file, not its text "
            "(name: x ...): write the text to a file, (tmp_path / 'flow.yaml').write_text(...), "
            "and give its path",
        ),
        (
            "adsim_scenario(5)",
            "E *TypeError: adsim_scenario() takes the path of a scenario file (a str or a "
            "pathlib.Path), not int",
        ),
        (
            'adsim_scenario("flow.yaml", seeed=3)',
            "E *TypeError: adsim_scenario() got an unexpected keyword argument 'seeed'",
        ),
    ],
    ids=["text", "number", "keyword"],
)
def test_adsim_scenario_given_no_path_says_so_at_the_tests_line(pytester, call, line):
    """A scenario's text given to ``adsim_scenario`` was "cannot read the scenario file: No such
    file or directory" with the whole text as the file's name, a number a ``TypeError`` from
    pathlib's insides, a misspelt keyword one naming ``adsim_scenario.<locals>.run()``."""
    pytester.makepyfile(f"def test_a(adsim_scenario):\n    {call}\n")
    result = pytester.runpytest(*NO_QT)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([line])
    out = result.stdout.str()
    assert "pathlib.py" not in out and "plugin.py" not in out and "<locals>" not in out


def test_a_misspelt_module_of_a_package_found_names_the_package_and_the_module_meant(pytester):
    """``adsim_handlers = pkg.handlr`` with ``pkg`` importable (``pythonpath = src``) said "add
    its folder to pythonpath in the ini file", which it was: the cause was the module's name."""
    pytester.makeini("[pytest]\npythonpath = src\nadsim_handlers = pkg.handlr\n")
    package = pytester.mkdir("src") / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "handler.py").write_text("def register(ad_api):\n    pass\n", encoding="utf-8")
    pytester.makepyfile("def test_a(adsim):\n    adsim.login()\n")
    result = pytester.runpytest(*NO_QT)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            f"pkg.handlr: the package pkg ({package}) has no module handlr (did you mean "
            "pkg.handler?)"
        ]
    )
    assert "pythonpath" not in result.stdout.str()


@pytest.mark.parametrize("who", ["adsim", "adsim.agent('omar')"])
def test_a_misspelt_action_is_its_line_and_the_suggestion_not_the_harness_frame(pytester, who):
    """``adsim.hang_up_customer()`` showed the harness's ``__getattr__`` (its code, a page of
    adsim's insides) between the test's line and the suggestion."""
    pytester.makepyfile(f"def test_a(adsim):\n    {who}.hang_up_customer()\n")
    result = pytester.runpytest(*NO_QT)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [f"E *AttributeError: {who} has no action or attribute 'hang_up_customer' (did you *"]
    )
    out = result.stdout.str()
    assert "def __getattr__" not in out and "harness.py" not in out, out


@pytest.mark.parametrize(
    ("call", "line"),
    [
        (
            "with adsim.expect_handler_failure(match='('):\n        pass",
            "E *ValueError: expect_handler_failure(match='('): not a regular expression: missing "
            "), unterminated subpattern at position 0 (re.escape() the text for a literal match)",
        ),
        (
            "with adsim.expect_handler_failure(match=5):\n        pass",
            "E *TypeError: expect_handler_failure(match=5): a regular expression (a str or a "
            "compiled pattern), not int",
        ),
        (
            "with adsim.expect_handler_failure(status='bogus'):\n        pass",
            "E *ValueError: expect_handler_failure(status='bogus'): a failed call's status is "
            "one of error, timeout, junk, crashed",
        ),
        (
            "adsim.agent('nobody_here')",
            "E *UnknownAgentError: 'nobody_here' is nobody of the tenant's teams: give the new "
            "agent a team, as in adsim.agent('nobody_here', team='Customer Support') *",
        ),
    ],
    ids=["broken-match", "match-of-no-text", "status", "unknown-agent"],
)
def test_a_wrong_argument_to_adsim_is_its_line_and_its_error(pytester, call, line):
    """A broken ``match=`` regex was a page of the ``re`` module's frames ending in
    ``re.error``, and ``match=5`` an ``AttributeError`` at the block's end; a wrong ``status=``
    and an agent nobody of the tenant's showed the harness's (the engine's) frame and code."""
    pytester.makepyfile(f"def test_a(adsim):\n    {call}\n")
    result = pytester.runpytest(*NO_QT)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([line])
    out = result.stdout.str()
    for frame in ("harness.py", "center.py", "handler_failures.py", "_parser.py", "re/"):
        assert frame not in out, out


def test_assert_event_sequence_given_records_fails_at_the_tests_line(pytester):
    """``assert_event_sequence(adsim.records, ...)`` showed the helper's own frame and code
    (``_names``) under the test's line, as no other misuse of the helpers does."""
    pytester.makepyfile(
        "from simulator.testing import assert_event_sequence\n\n\n"
        "def test_a(adsim):\n    assert_event_sequence([{'duration': 1}], ['ON_LOGIN'])\n"
    )
    result = pytester.runpytest(*NO_QT)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["E *TypeError: assert_event_sequence takes events (adsim.events) or event names, not dict"]
    )
    assert "assertions.py" not in result.stdout.str()
