"""What a measurement returns, printed as a table on the terminal and as Markdown in results.md."""

from dataclasses import dataclass, field


class NotOnThisBranch(Exception):  # noqa: N818 - it is a reason, not a failure
    """What a measurement needs is not merged into this branch yet; the message says what."""


@dataclass
class Section:
    """One measurement's result: a table and notes, or why it could not run on this branch."""

    title: str
    headers: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    missing: str = ""

    def add(self, *cells):
        self.rows.append([str(cell) for cell in cells])


def text_table(headers, rows):
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]
    line = "  ".join("-" * width for width in widths)
    out = ["  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True)), line]
    out += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(out)


def markdown_table(headers, rows):
    def cells(row):
        return "| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |"

    return "\n".join([cells(headers), cells(["---"] * len(headers)), *map(cells, rows)])


def as_text(section):
    out = [f"\n== {section.title}"]
    if section.missing:
        out.append(f"NOT MEASURED: {section.missing}")
    if section.rows:
        out.append(text_table(section.headers, section.rows))
    out += [f"* {note}" for note in section.notes]
    return "\n".join(out)


def as_markdown(section):
    out = [f"## {section.title}", ""]
    if section.missing:
        out += [f"**Not measured:** {section.missing}", ""]
    if section.rows:
        out += [markdown_table(section.headers, section.rows), ""]
    out += [f"- {note}" for note in section.notes]
    return "\n".join(out).rstrip() + "\n"


def write_results(path, machine, sections, command):
    parts = [
        "# Benchmark results",
        "",
        f"Written by `{command}` (see docs/contributors/benchmarks.md) in one run on this machine:",
        "",
        markdown_table(["", ""], list(machine.items())),
        "",
    ]
    parts += [as_markdown(section) for section in sections]
    path.write_text("\n".join(parts))
