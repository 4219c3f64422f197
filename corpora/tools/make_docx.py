#!/usr/bin/env python3
"""Convert a plain-text 公文 into a minimal .docx (standard library only).

Usage:
    python3 corpora/tools/make_docx.py INPUT.txt OUTPUT.docx

Each input line becomes one paragraph (<w:p><w:r><w:t>). A run of consecutive
lines that contain a TAB character becomes one table (<w:tbl>), one row per
line and one cell per TAB-separated field, so a small 统计表 can be written in
the .txt as tab-separated rows. Blank lines become empty paragraphs.

The package holds only the three parts Word needs to open a document:
[Content_Types].xml, _rels/.rels and word/document.xml. Zip entries carry a
fixed timestamp so that the same input always gives byte-identical output
(the generated files are committed alongside the corpus).

Input encoding: UTF-8, UTF-8 with BOM, UTF-16 with BOM, or GB18030 (tried in
that order).
"""

import sys
import zipfile
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)

RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/>'
    "</Relationships>"
)

# A4 page, margins roughly as GB/T 9704 (37 mm top, 28 mm left), in twentieths of a point.
SECT_PR = (
    '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
    '<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" '
    'w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>'
)

TEXT_WIDTH = 11906 - 1474 - 1588  # twips available for a table


def read_text(path):
    raw = open(path, "rb").read()
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be")
    if raw.startswith(b"\xff\xfe"):
        return raw[2:].decode("utf-16-le")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030")


def run(text):
    if not text:
        return ""
    return '<w:r><w:t xml:space="preserve">%s</w:t></w:r>' % escape(text)


def paragraph(text):
    return "<w:p>%s</w:p>" % run(text)


def table(rows):
    ncols = max(len(r) for r in rows)
    width = TEXT_WIDTH // ncols
    border = '<w:%s w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    borders = "".join(border % side for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    out = [
        "<w:tbl>",
        '<w:tblPr><w:tblW w:w="%d" w:type="dxa"/><w:tblBorders>%s</w:tblBorders></w:tblPr>' % (width * ncols, borders),
        "<w:tblGrid>%s</w:tblGrid>" % "".join('<w:gridCol w:w="%d"/>' % width for _ in range(ncols)),
    ]
    for r in rows:
        cells = list(r) + [""] * (ncols - len(r))
        out.append("<w:tr>")
        for c in cells:
            out.append('<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr>%s</w:tc>' % (width, paragraph(c.strip())))
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def document_xml(text):
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    body = []
    i = 0
    while i < len(lines):
        if "\t" in lines[i]:
            rows = []
            while i < len(lines) and "\t" in lines[i]:
                rows.append(lines[i].split("\t"))
                i += 1
            body.append(table(rows))
            # Word requires a paragraph between a table and the section end; harmless elsewhere.
            if i == len(lines):
                body.append("<w:p/>")
        else:
            body.append(paragraph(lines[i]))
            i += 1
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:document xmlns:w="%s"><w:body>%s%s</w:body></w:document>' % (W_NS, "".join(body), SECT_PR)
    )


def write_docx(text, out_path):
    parts = [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("word/document.xml", document_xml(text)),
    ]
    with zipfile.ZipFile(out_path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data.encode("utf-8"))


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    write_docx(read_text(argv[1]), argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
