"""A document as Markdown with its quoted passages highlighted and every number in it marked: a
recorded figure links to its page, an excluded number gives its reason, an unaccounted one says so.
"""

from __future__ import annotations

from dashboard import citation
from dashboard.audit import CAPTURED, EXCLUDED, Finding
from dashboard.i18n import _
from dashboard.views import safe_text
from dashboard.vocabularies import EXCLUSION_REASON


def number_markup(text: str, finding: Finding, labels: dict[str, tuple[str, str]] | None = None) -> str:
    """One number of a document as Markdown: a captured figure links to its page (further figures
    it states follow, named by `labels`, id -> (region, metric label): by region where it differs
    from the first figure's, else by metric); an excluded number gives its reason; an
    unaccounted one says so. Plain bold, italics and links only, so it also works inside a
    highlighted quote. `text` is the number as written; everything from the data is escaped."""
    labels = labels or {}
    if finding.figure_ids:
        first, *more = finding.figure_ids
        region = labels.get(first, ("", ""))[0]
        names = {i: labels[i][0] if labels[i][0] != region else labels[i][1] for i in more if i in labels}
        also = ", ".join(f"[{safe_text.md(names.get(i, i))}]({citation.figure_path(i)})" for i in more)
        also = " *({})*".format(_("also {figures}").format(figures=also)) if also else ""
        return f"[**{safe_text.md(text)}**]({citation.figure_path(first)})" + also
    if finding.status == CAPTURED:
        return "**{}** *({})*".format(safe_text.md(text), _("date or period of an event"))
    if finding.status == EXCLUDED:
        reason = EXCLUSION_REASON.names.get(str(finding.reason))
        reason = _(reason) if reason else safe_text.md(str(finding.reason).replace("_", " "))
        return "{} *({})*".format(safe_text.md(text), _("excluded: {reason}").format(reason=reason))
    return "**{}** *({})*".format(safe_text.md(text), _("not accounted for"))


def _marked(document: str, start: int, end: int, findings: list[Finding], labels: dict | None) -> str:
    """document[start:end] escaped, with each number that lies wholly inside it marked up."""
    parts, position = [], start
    for finding in findings:
        mention = finding.mention
        if start <= mention.start and mention.end <= end and mention.start >= position:
            parts.append(safe_text.md(document[position:mention.start], lines=True))
            parts.append(number_markup(document[mention.start:mention.end], finding, labels))
            position = mention.end
    parts.append(safe_text.md(document[position:end], lines=True))
    return "".join(parts)


def highlighted(document: str, spans: list[tuple[int, int]], findings: list[Finding] = (),
                labels: dict[str, tuple[str, str]] | None = None) -> str:
    """The document as Markdown with the spans on a highlighted background and its numbers marked
    (see number_markup), everything escaped."""
    parts, position = [], 0
    for start, end in spans:
        parts.append(_marked(document, position, start, findings, labels))
        # Highlight each line separately: a directive cannot span a paragraph break.
        line_start = start
        lines = []
        for line in document[start:end].split("\n"):
            marked = _marked(document, line_start, line_start + len(line), findings, labels)
            lines.append(f":orange-background[{marked}]" if line.strip() else line)
            line_start += len(line) + 1
        parts.append("\n".join(lines))
        position = end
    parts.append(_marked(document, position, len(document), findings, labels))
    return "".join(parts)
