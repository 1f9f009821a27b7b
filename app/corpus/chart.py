"""The corpus chart (PNG): readability histograms and downplaying shares beside the published figures.

matplotlib with the Agg backend (no display, nothing downloaded); imported only when a chart
is asked for, so the CLI starts fast without it.
"""

from __future__ import annotations

from pathlib import Path

from app.corpus.summary import FK_TARGET, CorpusReport


def write_chart(report: CorpusReport, path: Path) -> Path:
    """Write a three-panel PNG to `path` and return it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows, s, pub = report.rows, report.summary, report.published
    fk = [r.flesch_kincaid_grade for r in rows if r.flesch_kincaid_grade is not None]
    fre = [r.flesch_reading_ease for r in rows if r.flesch_reading_ease is not None]
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.6), dpi=100)
    ax = axes[0]
    ax.hist(fk, bins=range(0, 22), color="#4c72b0", edgecolor="white")
    ax.axvline(FK_TARGET, color="#2a9d8f", linestyle="--", label=f"target ≤ {FK_TARGET:g}")
    ax.axvline(
        pub.median_flesch_kincaid_grade,
        color="#e76f51",
        linestyle=":",
        label=f"Zou et al. median {pub.median_flesch_kincaid_grade:g}",
    )
    if s.readability.flesch_kincaid_grade.median is not None:
        ax.axvline(
            s.readability.flesch_kincaid_grade.median,
            color="#264653",
            label=f"this corpus median {s.readability.flesch_kincaid_grade.median:g}",
        )
    ax.set(title="Flesch–Kincaid grade", xlabel="grade", ylabel="letters")
    ax.legend(fontsize=8)
    ax = axes[1]
    ax.hist(fre, bins=range(0, 101, 5), color="#8172b3", edgecolor="white")
    for x, name in ((60, "standard"), (50, "fairly difficult"), (30, "difficult")):
        ax.axvline(x, color="grey", linewidth=0.8)
        ax.text(x + 0.5, ax.get_ylim()[1] * 0.92, name, fontsize=7, rotation=90, va="top")
    ax.set(
        title=f"Flesch Reading Ease ({s.readability.share_fairly_difficult_or_harder * 100:.0f}% below 60; "
        f"Zou et al. {pub.share_difficult_or_fairly_difficult * 100:.0f}%)",
        xlabel="reading ease",
        ylabel="letters",
    )
    ax.title.set_fontsize(9)
    ax = axes[2]
    families = list(s.downplaying)
    ours = [s.downplaying[f] * 100 for f in families]
    ax.barh(families, ours, color="#dd8452", label=f"this corpus ({s.letters} letters)")
    published = {"hedge": pub.share_hedge, "no_evidence": pub.share_no_evidence}
    for i, f in enumerate(families):
        if f in published:
            ax.plot(
                published[f] * 100,
                i,
                marker="D",
                color="#264653",
                linestyle="none",
                label="Zou et al. 2019 (≈)" if f == "hedge" else None,
            )
    ax.set(title="Letters with each downplaying family", xlabel="% of letters", xlim=(0, 100))
    ax.invert_yaxis()
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png")
    plt.close(fig)
    return path
