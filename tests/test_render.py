"""Untrusted text becomes literal Markdown: no HTML, links, images, maths or formatting."""

from ui.render import highlighted, md_escape


def test_markdown_and_html_are_escaped():
    hostile = "<script>x</script> [a](javascript:y) ![i](http://h/i.png) *b* $m$ :red[c]"
    assert md_escape(hostile) == (
        "\\<script\\>x\\</script\\> \\[a\\]\\(javascript\\:y\\) \\!\\[i\\]\\(http\\://h/i\\.png\\) "
        "\\*b\\* \\$m\\$ \\:red\\[c\\]"
    )


def test_line_breaks_stay_line_breaks():
    assert md_escape("one\n# two") == "one  \n\\# two"


def test_highlight_marks_the_span_line_by_line():
    assert highlighted("Ab. Cd\n\nEf. Gh", 4, 10) == (
        "Ab\\. :yellow-background[Cd]  \n  \n:yellow-background[Ef]\\. Gh"
    )
    assert highlighted("龙井茶。[x](y)", 4, 10) == "龙井茶。:yellow-background[\\[x\\]\\(y\\)]"
