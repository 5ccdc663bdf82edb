"""The view's sanitised HTML read back as Word runs and paragraphs (render/docx_text.py), on its own."""

from __future__ import annotations

from markupsafe import Markup

from briefgen.render.docx_text import BODY, BULLET, CODE, NUMBER, QUOTE, Run, blocks, inline, plain, runs
from briefgen.render.markup import render_markdown


def test_markdown_blocks_become_paragraphs_of_their_role() -> None:
    html = render_markdown("Lead **bold** and *it*.\n\n- one\n- two\n    1. deep\n\n> quoted\n\n    code  kept")
    found = [(b.role, b.level, b.text) for b in blocks(html)]
    assert found == [(BODY, 0, "Lead bold and it."), (BULLET, 0, "one"), (BULLET, 0, "two"), (NUMBER, 1, "deep"),
                     (QUOTE, 0, "quoted"), (CODE, 0, "code  kept")]
    lead = blocks(html)[0].runs
    assert Run("bold", bold=True) in lead and Run("it", italic=True) in lead


def test_what_the_html_keeps_on_one_line_keeps_no_break_spaces() -> None:
    assert plain(Markup('Cleared by <span class="nobr">Example Director</span> on')) == \
        "Cleared by Example\u00a0Director on"


def test_a_text_in_another_language_keeps_its_lang() -> None:
    assert runs(Markup('See <span lang="ja">高市 早苗</span>.')) == (Run("See "), Run("高市 早苗", lang="ja"), Run("."))


def test_entities_are_text_and_plain_fields_stay_as_they_are() -> None:
    assert plain(Markup("Trade &amp; investment &lt;b&gt;")) == "Trade & investment <b>"
    assert inline("A & <b> as typed") == (Run("A & <b> as typed"),)  # not Markup: never read as HTML
    assert inline(None) == ()
