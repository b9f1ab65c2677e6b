"""HTML format of the vendor report: one self-contained page with an inline SVG chart, from reports/vendors.html.j2."""

from __future__ import annotations

from crmcheck.render import RenderOptions
from crmcheck.vendors.formats.templated import render_vendor_template
from crmcheck.vendors.result import VendorReport


def render(report: VendorReport, options: RenderOptions) -> str:
    return render_vendor_template("vendors.html.j2", report, autoescape=True)
