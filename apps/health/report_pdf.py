"""A weekly report as PDF (fpdf2: pure Python, core fonts, no system libraries).

fpdf2 is loaded by the first render, not with this module: its import costs more than the whole boto3
baseline of a cold start (its signing module alone imports `unittest.mock`, and asyncio behind it), and
only the subscriber that builds a report renders one — not the handlers that request or read
reports, which import this module through `reports` (docs/benchmarks.md).
"""

from __future__ import annotations

from typing import Any

_LABELS = {
    "heart_rate": "Heart rate",
    "blood_pressure": "Blood pressure (systolic)",
    "weight": "Weight",
    "steps": "Steps",
    "sleep": "Sleep",
    "glucose": "Glucose",
}


def _figure(value: Any) -> str:
    return "-" if value is None else f"{value:g}"


def render(content: dict[str, Any]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, "Weekly health report", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    pdf.cell(0, 6, f"{content['from'][:10]} to {content['to'][:10]}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    if not content["types"]:
        pdf.cell(0, 8, "No readings this week.", new_x="LMARGIN", new_y="NEXT")
    for section in content["types"]:
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 8, _LABELS.get(section["type"], section["type"]), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=10)
        unit = section["unit"]
        line = (
            f"{section['count']} readings - min {_figure(section['min'])}, max {_figure(section['max'])}, "
            f"mean {_figure(section['mean'])} {unit}; trend {section['trend']}; "
            f"{section['outOfRange']} out of range"
        )
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    return bytes(pdf.output())
