"""The PNGs stored next to every model (matplotlib's object API on the Agg canvas: no global state).

Each function returns PNG bytes, so the store can write plots atomically and remove them with the model
if a run is interrupted.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from sklearn.metrics import precision_recall_curve, roc_curve

from riskforge.evaluation.calibration import reliability

MODEL, BASELINE = "model", "baseline"


def _png(draw: Callable[[Axes], None], size: tuple[float, float] = (5.5, 4.2)) -> bytes:
    figure = Figure(figsize=size, dpi=110)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    draw(axes)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def roc(y: np.ndarray, model: np.ndarray, baseline: np.ndarray) -> bytes:
    def draw(ax: Axes) -> None:
        for name, score in ((MODEL, model), (BASELINE, baseline)):
            fpr, tpr, _ = roc_curve(y, score)
            ax.plot(fpr, tpr, label=name)
        ax.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1)
        ax.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC (test)")
        ax.legend(loc="lower right")

    return _png(draw)


def precision_recall(y: np.ndarray, model: np.ndarray, baseline: np.ndarray) -> bytes:
    def draw(ax: Axes) -> None:
        for name, score in ((MODEL, model), (BASELINE, baseline)):
            precision, recall, _ = precision_recall_curve(y, score)
            ax.plot(recall, precision, label=name)
        ax.axhline(float(np.mean(y)), color="grey", linestyle=":", linewidth=1, label="positive rate")
        ax.set(xlabel="recall", ylabel="precision", title="Precision-recall (test)")
        ax.legend(loc="upper right")

    return _png(draw)


def reliability_curve(y: np.ndarray, model: np.ndarray, baseline: np.ndarray) -> bytes:
    def draw(ax: Axes) -> None:
        for name, score in ((MODEL, model), (BASELINE, baseline)):
            mean_score, observed, _ = reliability(y, np.clip(score, 0, 1))
            ax.plot(mean_score, observed, marker="o", label=name)
        ax.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1, label="perfect")
        ax.set(xlabel="mean score", ylabel="observed positive rate", title="Reliability (test)")
        ax.legend(loc="upper left")

    return _png(draw)


def score_distribution(score: np.ndarray, classes: np.ndarray, label: str = "class") -> bytes:
    def draw(ax: Axes) -> None:
        bins = np.linspace(float(np.min(score)), float(np.max(score)) + 1e-9, 40)
        for value in np.unique(classes):
            ax.hist(score[classes == value], bins=bins, alpha=0.55, density=True, label=f"{label} {value:g}")
        ax.set(xlabel="model score", ylabel="density", title="Score distribution by class (test)")
        ax.legend()

    return _png(draw)


def importance(names: list[str], gain: np.ndarray, top: int = 20) -> bytes:
    order = np.argsort(gain)[::-1][:top][::-1]

    def draw(ax: Axes) -> None:
        ax.barh([names[i] for i in order], gain[order])
        ax.set(xlabel="total gain", title=f"Top {len(order)} features by gain")
        ax.tick_params(axis="y", labelsize=7)

    return _png(draw, size=(6.5, 5.5))


def ndcg_at_k(ks: list[int], model: list[float], baseline: list[float]) -> bytes:
    def draw(ax: Axes) -> None:
        ax.plot(ks, model, marker="o", label=MODEL)
        ax.plot(ks, baseline, marker="o", label=BASELINE)
        ax.set(xlabel="k", ylabel="mean NDCG@k over days", title="NDCG@k (test)", ylim=(0, 1))
        ax.set_xticks([k for k in ks if k == 1 or k % 5 == 0])
        ax.legend(loc="lower right")

    return _png(draw)
