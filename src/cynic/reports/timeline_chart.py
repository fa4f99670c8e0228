"""The geometry of the round-by-round chart: bars for findings opened, fixed and reopened per
round, and a line for the findings left open. The template draws it as inline SVG."""

from __future__ import annotations

from dataclasses import dataclass

from cynic.reports.run_view import RoundView

WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 16, 34
KINDS = ("opened", "fixed", "reopened")


@dataclass(frozen=True)
class Bar:
    kind: str
    round: int
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    open_line: list[tuple[float, float, int]]  # (x, y, open findings after the round)
    round_labels: list[tuple[float, int]]
    grid: list[tuple[float, int]]  # (y, value)
    baseline: float

    @property
    def open_points(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in self.open_line)


def timeline_chart(rounds: list[RoundView]) -> Chart:
    """Bars and line for `rounds`, scaled to the largest count."""
    peak = max([1, *(max(len(r.opened), len(r.fixed), len(r.reopened), r.open_after) for r in rounds)])
    top = _nice_ceiling(peak)
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / max(1, len(rounds))
    bar_width = min(22.0, slot / 4)
    baseline = TOP + plot_height

    def y_of(value: int) -> float:
        return baseline - plot_height * value / top

    bars, line, labels = [], [], []
    for index, round_ in enumerate(rounds):
        centre = LEFT + slot * (index + 0.5)
        labels.append((centre, round_.number))
        line.append((centre, y_of(round_.open_after), round_.open_after))
        for offset, kind in enumerate(KINDS):
            value = len(getattr(round_, kind))
            x = centre + (offset - 1.5) * bar_width
            bars.append(Bar(kind, round_.number, value, x, y_of(value), bar_width - 2, baseline - y_of(value)))
    grid = [(y_of(value), value) for value in range(0, top + 1, max(1, top // 4))]
    return Chart(WIDTH, HEIGHT, bars, line, labels, grid, baseline)


def _nice_ceiling(value: int) -> int:
    """A round axis maximum at or above `value`: 4, 8, 12, 20, 40, 100..."""
    for step in (1, 2, 5, 10, 25, 50, 100, 250, 500, 1000):
        if value <= step * 4:
            return step * 4
    return value
