"""Speaker attribution patterns beyond "X said": one made-up example per pattern."""
from __future__ import annotations

from tests.resolve_helpers import quotes_of


def only(text: str):
    qs = quotes_of(text)
    for q in qs:
        assert text[q.start:q.end] == q.text
        if q.speaker_start is not None:
            assert text[q.speaker_start:q.speaker_end] == q.speaker_name
    return qs


def test_dash_credit_after_the_quote():
    text = ("“The new library changed how our town spends its evenings.” ― Marta Olsen\n"
            "“We finally have a place to meet that is not a car park.” — Sen. Tomas Reyes.")
    first, second = only(text)
    assert first.speaker_name == "Marta Olsen" and second.speaker_name == "Tomas Reyes"


def test_dash_that_goes_on_with_the_sentence_is_no_credit():
    text = ("The mayor praised the plan -- ''It will pay for itself within a decade and more'' "
            "-- Council Member Ann Lee agreed with her on Monday.")
    for q in only(text):
        assert q.speaker_name != "Ann Lee"
