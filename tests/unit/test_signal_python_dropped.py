"""A stop Python would drop or disguise is still a stop (``simulator.interrupts``).

A signal whose handler raises while a finalizer runs (``__del__``, a weakref callback) was
printed as "Exception ignored in ..." with a traceback, and the run went on as if nobody had
asked it to stop; one that came while a module was imported could land in a class's
``__set_name__``, which Python 3.11 wraps in a ``RuntimeError``: adsim printed that traceback
and exited 1 (seen by sending SIGTERM to ``adsim run`` at random moments of its start-up).
"""

from __future__ import annotations

import gc
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pydantic_core
import pytest

from simulator import interrupts
from simulator.scenarios.load_mode import run_load
from simulator.scenarios.loader import load_scenario
from simulator.scenarios.runner import ScenarioRunner

SCENARIO = Path(__file__).resolve().parents[2] / "fixtures/scenarios/inbound_acw_disposition.yaml"
ROOT = Path(__file__).resolve().parents[2]


def _signal_arrives(signum: int) -> None:
    """What the signal does at this very point of the main thread: its handler runs there."""
    handler = signal.getsignal(signum)
    assert callable(handler), handler  # adsim's (stop_on_signals), not the default
    handler(signum, None)


class _SignalledWhenCollected:
    def __del__(self) -> None:
        _signal_arrives(signal.SIGTERM)


def test_a_stop_raised_in_a_finalizer_is_kept_and_raised_at_the_next_check(capsys):
    with interrupts.stop_on_signals():
        _SignalledWhenCollected()  # collected at once: its __del__ raises, Python drops it
        gc.collect()
        with pytest.raises(interrupts.Interrupted) as raised:
            interrupts.check()
        assert raised.value.signum == signal.SIGTERM
        interrupts.check()  # raised once
    err = capsys.readouterr().err
    assert "Exception ignored" not in err and "Traceback" not in err


def test_other_exceptions_in_finalizers_are_still_reported_as_python_does():
    seen = []
    previous = sys.unraisablehook
    sys.unraisablehook = seen.append
    try:
        with interrupts.stop_on_signals():

            class Broken:
                def __del__(self) -> None:
                    raise ValueError("not a stop")

            Broken()
            gc.collect()
            interrupts.check()  # nothing kept: it was no stop
        assert [type(u.exc_value) for u in seen] == [ValueError]
        assert sys.unraisablehook == seen.append  # put back at the end
    finally:
        sys.unraisablehook = previous


@pytest.mark.parametrize("where", ["load run", "scenario run"])
def test_a_run_stops_at_its_next_repeat_or_step_after_a_dropped_stop(where):
    source = load_scenario(SCENARIO)
    with interrupts.stop_on_signals():
        interrupts._ACTIVE[0].lost = signal.SIGTERM  # as the finalizer above leaves it
        with pytest.raises(interrupts.Interrupted) as raised:
            if where == "load run":
                run_load(source, repeat=3)
            else:
                ScenarioRunner(source).run()
        assert raised.value.signum == signal.SIGTERM


def test_a_stop_wrapped_by_set_name_is_told_from_a_bug():
    class Stops:
        def __set_name__(self, owner, name):
            raise interrupts.Interrupted(signal.SIGTERM)

    with pytest.raises(RuntimeError) as wrapped:

        class Owner:
            field = Stops()

    assert interrupts.stop_in(wrapped.value).signum == signal.SIGTERM
    try:
        try:
            raise interrupts.Interrupted(signal.SIGINT)
        except KeyboardInterrupt:
            raise RuntimeError("a bug while stopping") from None
    except RuntimeError as bug:
        assert interrupts.stop_in(bug) is None


def test_adsim_stopped_during_an_import_exits_143_without_a_traceback():
    # The signal lands in a ``__set_name__`` of a module being imported by the command's parse.
    program = textwrap.dedent(
        """
        import signal, sys
        import simulator.cli as cli
        from simulator import interrupts

        def run(argv, program):
            class Stops:
                def __set_name__(self, owner, name):
                    raise interrupts.Interrupted(signal.SIGTERM)
            class Owner:
                field = Stops()

        cli._run = run
        sys.argv = ["adsim", "demo"]
        sys.exit(cli.main())
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", program],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 143, done.stderr
    assert "Traceback" not in done.stderr


def test_a_stop_a_c_extension_turned_into_its_error_text_is_told_from_a_bug():
    # pydantic-core builds a model's serializer in Rust: a signal that lands there is caught and
    # becomes its SchemaError's last line, "Interrupted: 2", with no cause to follow.
    wrapped = pydantic_core.SchemaError("Error building `literal` serializer:\n  Interrupted: 15")
    assert interrupts.stop_in(wrapped) is None  # no stop under way: a bug to show
    with interrupts.stop_on_signals():
        with pytest.raises(interrupts.Interrupted):
            signal.getsignal(signal.SIGTERM)(signal.SIGTERM, None)
        assert interrupts.stop_in(wrapped).signum == signal.SIGTERM
        other = pydantic_core.SchemaError("Error building `literal` serializer:\n  Interrupted: 2")
        assert interrupts.stop_in(other) is None  # not the stop under way


@pytest.mark.usefixtures("sigint_heard")  # a background CI job has SIGINT ignored
def test_adsim_stopped_while_pydantic_builds_a_model_exits_130_without_a_traceback():
    # Seen with `adsim run` sent SIGINT ~0.4 s in: exit 1 and pydantic-core's SchemaError
    # traceback, "Error building `model` serializer: ... Interrupted: 2".
    program = textwrap.dedent(
        """
        import signal, sys
        import pydantic_core
        import simulator.cli as cli

        def run(argv, program):
            try:
                signal.getsignal(signal.SIGINT)(signal.SIGINT, None)  # the Ctrl-C, in Rust
            except KeyboardInterrupt as stop:
                raise pydantic_core.SchemaError(
                    f"Error building `model` serializer:\\n  Interrupted: {stop}"
                ) from None

        cli._run = run
        sys.argv = ["adsim", "run", "flow.yaml"]
        sys.exit(cli.main())
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", program],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr == "adsim: interrupted (SIGINT): stopping\n"
