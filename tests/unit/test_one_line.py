"""What a plugin's text may not do to adsim's own lines (``simulator.one_line``)."""

from __future__ import annotations

import pytest

from simulator.one_line import exception_text, one_line


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("crm down\nadsim: PASS", "crm down\\nadsim: PASS"),
        ("\x1b[2J", "\\x1b[2J"),
        ("a\u2028b", "a\\u2028b"),
        # Bidirectional overrides, embeddings and isolates reorder the rest of the line.
        ("ok \u202eLIAF", "ok \\u202eLIAF"),
        ("\u2066x\u2069", "\\u2066x\\u2069"),
        ("\u202a\u202b\u202c\u202d", "\\u202a\\u202b\\u202c\\u202d"),
    ],
)
def test_control_characters_are_escaped(text, shown):
    assert one_line(text) == shown


@pytest.mark.parametrize("text", ["tab\there", "שלום עולם", "مرحبا", "café ✓", "a\u200fb"])
def test_ordinary_text_is_left_as_it_is(text):
    """Tabs, right-to-left scripts and their marks are text, not commands to the terminal."""
    assert one_line(text) == text


def test_an_exception_whose_str_raises_is_still_text():
    class OddError(Exception):
        def __str__(self) -> str:
            raise RuntimeError("no")

    assert exception_text(OddError()) == "OddError: <exception str() failed>"


def test_an_exception_with_no_message_is_its_type_alone():
    """``raise KeyboardInterrupt``: "KeyboardInterrupt", as the traceback's last line says it,
    not "KeyboardInterrupt: " with nothing after the colon."""
    assert exception_text(KeyboardInterrupt()) == "KeyboardInterrupt"
    assert exception_text(ValueError("")) == "ValueError"
    assert exception_text(ValueError("no")) == "ValueError: no"
