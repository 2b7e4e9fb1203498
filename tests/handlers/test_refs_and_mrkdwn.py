"""Routing data in buttons, and user text made safe for Block Kit."""

from __future__ import annotations

import pytest

from handlers.mrkdwn import SECTION_LIMIT, clip, escape, quote
from handlers.refs import RequestRef
from store.errors import UserFacingError


def test_a_request_ref_survives_the_round_trip():
    ref = RequestRef(42, 7)
    assert RequestRef.decode(ref.encode()) == ref


@pytest.mark.parametrize("value", ["", "r1", "rxv2", "r1v2;drop", None, 12, "r" + "9" * 20 + "v1"])
def test_a_forged_or_broken_ref_is_a_sentence_not_a_crash(value):
    with pytest.raises(UserFacingError):
        RequestRef.decode(value)


def test_mentions_and_links_in_user_text_stay_plain():
    assert escape("<!channel> & <@U1|x>") == "&lt;!channel&gt; &amp; &lt;@U1|x&gt;"


def test_long_text_is_cut_to_fit_a_section():
    word = "x" * 5000
    assert len(clip(word, SECTION_LIMIT)) == SECTION_LIMIT
    assert clip("short", 10) == "short"
    assert quote("<b>" * 100, 20).startswith("&lt;b&gt;")
