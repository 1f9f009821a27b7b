"""The corpus HTML report: the table beside the published figures, the chart and one row per letter.

Rendered with Jinja2 (autoescape on: file names come from the folder) from a template kept
here, so the report is one self-contained file next to its chart.
"""

from __future__ import annotations

from jinja2 import Environment

from app.corpus.formats import format_text
from app.corpus.summary import CorpusReport

_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
_TEMPLATE = _ENV.from_string("""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Breach notice corpus: {{ r.summary.letters }} letters</title>
<style>
body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}td,th{border-bottom:1px solid #ddd;padding:.25rem .6rem;text-align:left}
td.n,th.n{text-align:right}caption{text-align:left;font-weight:600;padding:.4rem 0}img{max-width:100%}
.muted{color:#666;font-size:.9rem}
</style></head><body>
<h1>Breach notice corpus report</h1>
<p>{{ r.summary.letters }} letters in <code>{{ r.folder }}</code>{% if r.skipped %}, {{ r.skipped|length }} skipped{% endif %}. Rulebook <code>{{ r.rulebook }}</code>.</p>
{% if chart %}<p><img src="{{ chart }}" alt="Flesch–Kincaid grade and Reading Ease histograms; share of letters with each downplaying family"></p>{% endif %}
<table><caption>The table, beside the published figures</caption>
<tr><th>measure</th><th class="n">this corpus</th><th class="n">Zou et al. 2019</th></tr>
<tr><td>letters</td><td class="n">{{ r.summary.letters }}</td><td class="n">{{ r.published.letters }}</td></tr>
<tr><td>Flesch–Kincaid grade, median</td><td class="n">{{ num(rd.flesch_kincaid_grade.median) }}</td><td class="n">{{ num(r.published.median_flesch_kincaid_grade) }}</td></tr>
<tr><td>Flesch–Kincaid grade, range</td><td class="n">{{ num(rd.flesch_kincaid_grade.min) }}–{{ num(rd.flesch_kincaid_grade.max) }}</td><td class="n">{{ num(r.published.flesch_kincaid_grade_range[0]) }}–{{ num(r.published.flesch_kincaid_grade_range[1]) }}</td></tr>
<tr><td>fairly difficult or harder (Reading Ease &lt; 60)</td><td class="n">{{ pct(rd.share_fairly_difficult_or_harder) }}</td><td class="n">{{ pct(r.published.share_difficult_or_fairly_difficult) }}</td></tr>
<tr><td>difficult or harder (Reading Ease &lt; 50)</td><td class="n">{{ pct(rd.share_difficult_or_harder) }}</td><td class="n">–</td></tr>
{% for fam, share in r.summary.downplaying.items() %}
<tr><td>downplaying: {{ fam }}</td><td class="n">{{ pct(share) }}</td><td class="n">{% if fam == 'hedge' %}≈{{ pct(r.published.share_hedge) }}{% elif fam == 'no_evidence' %}≈{{ pct(r.published.share_no_evidence) }}{% else %}–{% endif %}</td></tr>
{% endfor %}
<tr><td>apology (says sorry)</td><td class="n">{{ pct(r.summary.apology) }}</td><td class="n">–</td></tr>
{% for c, share in r.summary.apology_components.items() %}<tr><td>&nbsp;&nbsp;component: {{ c }}</td><td class="n">{{ pct(share) }}</td><td class="n">–</td></tr>{% endfor %}
<tr><td>first step for the reader in the first third</td><td class="n">{{ pct(r.summary.first_action_in_first_third) }}</td><td class="n">–</td></tr>
</table>
<p class="muted">Published figures: {{ r.published.source }}. ≈: reported as approximate shares.</p>
{% for j, shares in r.summary.elements.items() %}
<table><caption>Required elements, {{ j }} ({{ r.summary.letters_per_jurisdiction[j] }} letters)</caption>
{% for e, share in shares.items() %}<tr><td>{{ e }}</td><td class="n">{{ pct(share) }}</td></tr>{% endfor %}
</table>
{% endfor %}
<table><caption>Letters</caption>
<tr><th>letter</th><th class="n">FK grade</th><th class="n">Reading Ease</th><th>band</th><th>sorry</th><th>first step in first third</th><th>downplaying</th></tr>
{% for row in r.rows %}
<tr><td>{{ row.file }}</td><td class="n">{{ num(row.flesch_kincaid_grade) }}</td><td class="n">{{ num(row.flesch_reading_ease) }}</td><td>{{ row.reading_ease_band or '–' }}</td>
<td>{{ 'yes' if row.apology else 'no' }}</td><td>{{ 'yes' if row.first_action_in_first_third else 'no' }}</td>
<td>{% for fam, n in row.downplaying.items() if n %}{{ fam }}×{{ n }}{% if not loop.last %}, {% endif %}{% else %}–{% endfor %}</td></tr>
{% endfor %}
</table>
{% for sk in r.skipped %}<p class="muted">skipped {{ sk.file }}: {{ sk.reason }}</p>{% endfor %}
<!-- plain-text table
{{ text }}
-->
</body></html>
""")


def render_html(report: CorpusReport, chart: str | None = None) -> str:
    """The report as one HTML page; `chart` is the PNG's path relative to the page."""

    def pct(v: float | None) -> str:
        return "–" if v is None else f"{v * 100:.0f}%"

    def num(v: float | None) -> str:
        return "–" if v is None else f"{v:.1f}"

    return _TEMPLATE.render(
        r=report,
        rd=report.summary.readability,
        chart=chart,
        pct=pct,
        num=num,
        text=format_text(report).replace("--", "- -"),
    )
