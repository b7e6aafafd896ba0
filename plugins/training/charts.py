"""A small server-rendered SVG line chart (no JavaScript, no CDN, allowed by the CSP).

Presentation attributes (``fill``, ``stroke``) are used rather than ``style`` attributes, which
the Content-Security-Policy forbids.
"""

from markupsafe import Markup, escape

# Okabe–Ito colours (readable by colour-blind users), then darker variants.
PALETTE = [
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
    "#8C510A",
    "#01665E",
    "#762A83",
    "#B2182B",
    "#4D4D4D",
]
DASHES = ["", "6 3", "2 3", "8 3 2 3"]


def _nice_ceiling(value: float) -> float:
    """A round axis maximum at or above ``value``."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return float(step * magnitude)
    return float(10 * magnitude)


def line_chart(
    series: list[tuple[str, list[float]]],
    x_labels: list[str],
    *,
    title: str,
    y_label: str,
    threshold: float | None = None,
    threshold_label: str = "",
    width: int = 760,
    height: int = 360,
) -> Markup:
    """An accessible SVG: one polyline per series over ``x_labels``, an optional dashed
    threshold line, axes with ticks and a legend. Values are drawn as given."""
    left, right, top, bottom = 56, 16, 28, 40
    legend_rows = (len(series) + 2) // 3
    legend_height = 20 * legend_rows + 8
    total_height = height + legend_height
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = max([v for _n, values in series for v in values] + [threshold or 0, 0])
    y_max = _nice_ceiling(top_value * 1.05 if top_value else 1)
    n = max(len(x_labels), 1)

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    def y(v: float) -> float:
        return top + plot_h - plot_h * (v / y_max)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {total_height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" class="training-chart">',
        f"<title>{escape(title)}</title>",
        f'<rect x="0" y="0" width="{width}" height="{total_height}" fill="#ffffff"/>',
    ]
    for k in range(6):
        value = y_max * k / 5
        yy = y(value)
        parts.append(
            f'<line x1="{left}" y1="{yy:.1f}" x2="{left + plot_w}" y2="{yy:.1f}" '
            f'stroke="#e5e5e5" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#333">{value:g}</text>'
        )
    for i, label in enumerate(x_labels):
        parts.append(
            f'<text x="{x(i):.1f}" y="{top + plot_h + 18}" text-anchor="middle" '
            f'font-size="11" fill="#333">{escape(label)}</text>'
        )
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" '
        f'y2="{top + plot_h}" stroke="#333" stroke-width="1"/>'
    )
    parts.append(
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" '
        f'stroke="#333" stroke-width="1"/>'
    )
    parts.append(
        f'<text x="{left}" y="{top - 10}" font-size="12" fill="#333">{escape(y_label)}</text>'
    )
    if threshold is not None:
        yy = y(threshold)
        parts.append(
            f'<line x1="{left}" y1="{yy:.1f}" x2="{left + plot_w}" y2="{yy:.1f}" '
            f'stroke="#B2182B" stroke-width="1.5" stroke-dasharray="4 4"/>'
        )
        parts.append(
            f'<text x="{left + plot_w - 4}" y="{yy - 5:.1f}" text-anchor="end" '
            f'font-size="11" fill="#B2182B">{escape(threshold_label)}</text>'
        )
    for index, (name, values) in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        dash = DASHES[(index // len(PALETTE)) % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        parts.append(
            f"<g><title>{escape(name)}</title>"
            f'<polyline points="{points}" fill="none" stroke="{colour}" '
            f'stroke-width="2"{dash_attr}/>'
        )
        for i, v in enumerate(values):
            parts.append(
                f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}">'
                f"<title>{escape(name)} {escape(x_labels[i])}: {v:g}</title></circle>"
            )
        parts.append("</g>")
        col, row = index % 3, index // 3
        lx, ly = left + col * (plot_w / 3), height + 8 + row * 20
        parts.append(
            f'<line x1="{lx:.1f}" y1="{ly:.1f}" x2="{lx + 22:.1f}" y2="{ly:.1f}" '
            f'stroke="{colour}" stroke-width="3"{dash_attr}/>'
        )
        parts.append(
            f'<text x="{lx + 28:.1f}" y="{ly + 4:.1f}" font-size="12" fill="#333">'
            f"{escape(name)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
