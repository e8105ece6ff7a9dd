"""Figure `roofline`: where a teacher and a distilled INT8 student sit on a roofline.

Everything here is an assumption stated in the chapter, not a measurement: a hypothetical
edge accelerator, and the cited model sizes from a published course visualiser.
"""

from __future__ import annotations

from dataclasses import dataclass

from kdsite.figures.svg import matplotlib_setup, plain_number

# The assumed accelerator: one compute ceiling for both precisions (generous to FP32),
# and the bandwidth of a 64-bit LPDDR4X-3200 memory interface.
PEAK_OPS = 4e12  # operations per second
BANDWIDTH = 25.6e9  # bytes per second from DRAM
SRAM_BYTES = 8e6  # on-chip memory that can hold a model's weights between inferences
INPUT_BYTES = 224 * 224 * 3  # one 224×224 RGB image at one byte per value


@dataclass(frozen=True)
class Workload:
    """One model's inference at batch 1: operations and bytes moved from DRAM."""

    label: str
    macs: float
    parameters: float
    bytes_per_weight: int

    @property
    def operations(self) -> float:
        """Return operations per inference: a multiply and an add per MAC."""
        return 2 * self.macs

    @property
    def weight_bytes(self) -> float:
        """Return the size of the weights."""
        return self.parameters * self.bytes_per_weight

    @property
    def dram_bytes(self) -> float:
        """Return DRAM traffic per inference: the weights unless they stay on chip, plus the input."""
        weights = 0 if self.weight_bytes <= SRAM_BYTES else self.weight_bytes
        return weights + INPUT_BYTES

    @property
    def intensity(self) -> float:
        """Return arithmetic intensity in operations per DRAM byte."""
        return self.operations / self.dram_bytes

    @property
    def attainable(self) -> float:
        """Return the roofline's attainable operations per second at this intensity."""
        return min(PEAK_OPS, BANDWIDTH * self.intensity)

    @property
    def seconds(self) -> float:
        """Return the roofline's lower bound on one inference's time."""
        return self.operations / self.attainable


TEACHER = Workload("teacher, FP32 (ResNet-152)", macs=11.6e9, parameters=60e6, bytes_per_weight=4)
STUDENT = Workload("distilled student, INT8 (MobileNetV2)", macs=300e6, parameters=3.4e6, bytes_per_weight=1)
# The same student before quantization: what distillation alone buys.
STUDENT_FP32 = Workload("the same student in FP32", macs=300e6, parameters=3.4e6, bytes_per_weight=4)


def ridge() -> float:
    """Return the ridge point: the intensity where memory stops being the limit."""
    return PEAK_OPS / BANDWIDTH


def draw():
    """Return the matplotlib figure."""
    import numpy as np

    plt = matplotlib_setup()
    fig, ax = plt.subplots(figsize=(7.5, 4.5), layout="constrained")
    x = np.logspace(0, 4, 200)
    ax.plot(x, np.minimum(PEAK_OPS, BANDWIDTH * x) / 1e12, color="#333333", linewidth=2.2)
    r = ridge()
    ax.axvline(r, color="#999999", linestyle=":", linewidth=1.2)
    ax.annotate(f"ridge point\n{r:.0f} ops/byte", (r, 0.3), textcoords="offset points", xytext=(6, 0),
                fontsize=9, color="#444444")
    ax.annotate(f"memory-bound:\n{BANDWIDTH / 1e9:g} GB/s × intensity", (8, BANDWIDTH * 8 / 1e12),
                textcoords="offset points", xytext=(8, -10), va="top", fontsize=9, color="#444444")
    ax.annotate(f"compute-bound: peak {PEAK_OPS / 1e12:g} T ops/s", (r, PEAK_OPS / 1e12),
                textcoords="offset points", xytext=(4, 6), fontsize=9, color="#444444")
    # Each point's time label sits where the roof leaves room.
    points = (
        (TEACHER, {"color": "#0072b2", "marker": "s"}, {"xytext": (-12, -3), "ha": "right"}),
        (STUDENT_FP32, {"color": "#009e73", "marker": "^", "markerfacecolor": "none", "markeredgewidth": 2},
         {"xytext": (10, -4), "ha": "left"}),
        (STUDENT, {"color": "#009e73", "marker": "^"}, {"xytext": (0, -22), "ha": "center"}),
    )
    for work, style, where in points:
        ax.plot([work.intensity], [work.attainable / 1e12], markersize=11, linestyle="none", **style,
                label=f"{work.label}: {work.intensity:,.0f} ops/byte")
        ax.annotate(f"≥ {work.seconds * 1e3:.2g} ms", (work.intensity, work.attainable / 1e12),
                    textcoords="offset points", fontsize=9, color="#444444", **where)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.xaxis.set_major_formatter(plain_number)
    ax.yaxis.set_major_formatter(plain_number)
    ax.set_xlim(1, 1e4)
    ax.set_ylim(0.02, 10)
    ax.set_xlabel("arithmetic intensity (operations per byte from DRAM, log scale)")
    ax.set_ylabel("attainable T ops/s (log scale)")
    ax.grid(True, which="major", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.legend(loc="lower right", frameon=True, facecolor="white", edgecolor="none", framealpha=1)
    ax.set_title("A roofline from assumed numbers, batch size 1", loc="left", pad=14)
    return fig
