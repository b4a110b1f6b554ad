"""Renders the Grafana dashboard's panels from a real Prometheus, as one PNG.

Grafana is not packaged by Debian or npm, so this draws each panel of
docs/dashboard/latchkey-grafana.json with matplotlib from the results of the panel's own PromQL
queries (Prometheus's /api/v1/query_range), over the window of the run.

    python3 render.py <prometheus url> <dashboard json> <start epoch> <end epoch> <png>
"""
import json
import math
import sys
import urllib.parse
import urllib.request
from datetime import datetime, timezone

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402


def query_range(prometheus, expr, start, end, step):
    url = prometheus + "/api/v1/query_range?" + urllib.parse.urlencode(
        {"query": expr, "start": start, "end": end, "step": step})
    with urllib.request.urlopen(url, timeout=30) as response:
        answer = json.load(response)
    if answer["status"] != "success":
        raise RuntimeError(f"{expr}: {answer}")
    return answer["data"]["result"]


def legend(template, labels):
    text = template
    for key, value in labels.items():
        text = text.replace("{{" + key + "}}", value)
    return text if "{{" not in text else ",".join(labels.values()) or "value"


def main():
    prometheus, dashboard_file, start, end, output = sys.argv[1:6]
    start, end = float(start), float(end)
    dashboard = json.load(open(dashboard_file))
    panels = dashboard["panels"]
    rows = math.ceil(len(panels) / 2)
    figure, axes = plt.subplots(rows, 2, figsize=(16, 3.2 * rows))
    for axis, panel in zip(axes.flat, panels):
        axis.set_title(panel["title"], fontsize=10, loc="left")
        drawn = 0
        for target in panel["targets"]:
            for series in query_range(prometheus, target["expr"], start, end, 5):
                times = [datetime.fromtimestamp(float(t), tz=timezone.utc) for t, _ in series["values"]]
                values = [float(v) for _, v in series["values"]]
                axis.plot(times, values, linewidth=1.2, label=legend(target["legendFormat"], series["metric"]))
                drawn += 1
        if drawn == 0:
            axis.text(0.5, 0.5, "no data", ha="center", va="center", transform=axis.transAxes, color="grey")
        if panel["fieldConfig"]["defaults"]["unit"] == "s":
            axis.set_ylabel("seconds", fontsize=8)
        axis.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M"))
        axis.tick_params(labelsize=7)
        axis.grid(alpha=0.3)
        if 0 < drawn <= 12:
            axis.legend(fontsize=6, loc="upper left", ncol=2)
    for axis in list(axes.flat)[len(panels):]:
        axis.set_visible(False)
    figure.suptitle(f"{dashboard['title']}: rendered from Prometheus, "
                    f"{datetime.fromtimestamp(start, tz=timezone.utc):%Y-%m-%d %H:%M}"
                    f" to {datetime.fromtimestamp(end, tz=timezone.utc):%H:%M} UTC", fontsize=12)
    figure.tight_layout()
    figure.savefig(output, dpi=90)


if __name__ == "__main__":
    main()
