#!/usr/bin/env python3
"""Build the multi-format fixtures in tests/fixtures/formats/ from corpora/demo.

Usage (from the repository root; needs LibreOffice and a CJK font):
    apt-get install -y libreoffice-writer-nogui fonts-wqy-microhei
    python3 corpora/tools/make_fixtures.py

For each source document NAME it writes:
    NAME.txt   the UTF-8 text (the reference every other format must match)
    NAME.docx  LibreOffice export (MS Word 2007 XML)
    NAME.doc   LibreOffice export (MS Word 97 binary, CFB container)
    NAME.wps   a copy of NAME.doc: WPS Office's .wps is the same Word 97
               binary in a CFB container, and LibreOffice cannot write .wps
    NAME.pdf   LibreOffice export (text layer, embedded CJK font subset)
    NAME.ofd   written here by the OFD spec (GB/T 33190): OFD.xml ->
               Doc_0/Document.xml -> Doc_0/Pages/Page_N/Content.xml, one
               TextObject/TextCode per laid-out line, 28 characters a line
    NAME.html  a saved page shaped like a government portal (navigation,
               breadcrumbs, 来源/责任编辑, 【字体：大 中 小】, share bar,
               打印本页/关闭窗口, 版权所有 footer, scripts and styles)
and once:
    scanned.pdf  an image-only PDF (no text operators), like a scan

The CI never runs this script: its outputs are committed.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "fixtures" / "formats"
DEMO = ROOT / "corpora" / "demo"

# (fixture name, demo file, how its HTML page is encoded)
SOURCES = [
    ("fangxun", "a/01-防汛/2025-青禾县政府办-关于做好2025年防汛工作的通知.txt", "gbk-meta"),
    ("jingwen", "a/14-精文减会/2025-青禾县委办-关于进一步精简文件会议切实为基层减负的通知.txt", "utf8"),
    ("pifu", "b/12-单篇/青禾县人民政府-关于同意柳溪镇调整部分村民小组设置的批复.txt", "gbk-nometa"),
    ("jiegan", "b/09-同题-秸秆禁烧/白石县人民政府办公室-关于切实加强2025年秋冬季秸秆露天焚烧管控工作的通知.txt", "utf8"),
]

OFD_NS = "http://www.ofdspec.org/2016"
LINE_CHARS = 28
LINES_PER_PAGE = 22
FIXED_DATE = (2025, 1, 1, 0, 0, 0)


def read_text(path: Path) -> str:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "utf-16", "gb18030"):
        try:
            return raw.decode(enc).replace("\r\n", "\n")
        except UnicodeError:
            continue
    sys.exit(f"cannot decode {path}")


def soffice(src: Path, fmt: str, outdir: Path) -> Path:
    # The text import filter must be told the encoding, or it guesses.
    subprocess.run(
        ["soffice", "--headless", "--infilter=Text (encoded):UTF8,LF,,,",
         "--convert-to", fmt, "--outdir", str(outdir), str(src)],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return outdir / (src.stem + "." + fmt.split(":")[0])


def wrap(line: str) -> list:
    return [line[i:i + LINE_CHARS] for i in range(0, len(line), LINE_CHARS)] or [""]


def ofd_bytes(text: str) -> bytes:
    laid_out = [piece for line in text.split("\n") for piece in wrap(line)]
    pages = [laid_out[i:i + LINES_PER_PAGE] for i in range(0, len(laid_out), LINES_PER_PAGE)]
    ofd_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:OFD xmlns:ofd="{OFD_NS}" Version="1.0" DocType="OFD">'
        "<ofd:DocBody><ofd:DocInfo><ofd:DocID>wenshan-fixture</ofd:DocID></ofd:DocInfo>"
        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    )
    page_refs = "".join(
        f'<ofd:Page ID="{10 + n}" BaseLoc="Pages/Page_{n}/Content.xml"/>' for n in range(len(pages))
    )
    document_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Document xmlns:ofd="{OFD_NS}">'
        '<ofd:CommonData><ofd:MaxUnitID>9999</ofd:MaxUnitID>'
        '<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>'
        "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>"
        f"<ofd:Pages>{page_refs}</ofd:Pages></ofd:Document>"
    )
    public_res = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Res xmlns:ofd="{OFD_NS}" BaseLoc="Res">'
        '<ofd:Fonts><ofd:Font ID="2" FontName="仿宋_GB2312" FamilyName="仿宋"/></ofd:Fonts></ofd:Res>'
    )
    files = [("OFD.xml", ofd_xml), ("Doc_0/Document.xml", document_xml), ("Doc_0/PublicRes.xml", public_res)]
    unit = 100
    for n, lines in enumerate(pages):
        objects = []
        for i, line in enumerate(lines):
            if not line.strip():
                continue
            unit += 1
            y = 37 + i * 10
            delta = " ".join(["5.6"] * (len(line) - 1))
            delta_attr = f" DeltaX={quoteattr(delta)}" if delta else ""
            objects.append(
                f'<ofd:TextObject ID="{unit}" Boundary="28 {y} 160 8" Font="2" Size="5.6">'
                f'<ofd:FillColor Value="0 0 0"/>'
                f'<ofd:TextCode X="0" Y="5.6"{delta_attr}>{escape(line)}</ofd:TextCode></ofd:TextObject>'
            )
        content = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<ofd:Page xmlns:ofd="{OFD_NS}">'
            f'<ofd:Content><ofd:Layer ID="{5 + n}">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>'
        )
        files.append((f"Doc_0/Pages/Page_{n}/Content.xml", content))
    buf = tempfile.SpooledTemporaryFile()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files:
            info = zipfile.ZipInfo(name, FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data.encode("utf-8"))
    buf.seek(0)
    return buf.read()


PORTAL = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
{meta}<title>{title}_政府信息公开_青禾县人民政府门户网站</title>
<link rel="stylesheet" type="text/css" href="../../css/style.css" />
<style type="text/css">
  .article p {{ text-indent: 2em; line-height: 32px; }}
  .share a {{ margin: 0 4px; }}
</style>
<script type="text/javascript" src="../../js/jquery-1.8.3.min.js"></script>
<script type="text/javascript">
  var _hmt = _hmt || [];
  function doZoom(size) {{ document.getElementById('zoom').style.fontSize = size + 'px'; }}
  if (window.location.href.indexOf("<p>") > 0) {{ alert("非法访问"); }}
</script>
</head>
<body>
<div class="top-bar"><div class="w1200"><span>欢迎访问青禾县人民政府门户网站！</span>
<a href="#">无障碍</a> | <a href="#">长者模式</a> | <a href="#">English</a></div></div>
<div id="header"><img src="../../images/logo.png" alt="青禾县人民政府" /></div>
<div class="nav"><ul>
<li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li>
<li><a href="/hdjl/">互动交流</a></li><li><a href="/zjqh/">走进青禾</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/tzgg/">通知公告</a></div>
<div class="main">
<h1 class="article-title">{title}</h1>
<div class="info">来源：青禾县人民政府办公室&nbsp;&nbsp;发布时间：2025-03-12 09:30&nbsp;&nbsp;浏览次数：<span id="views">1024</span></div>
<div class="font-size">【字体：<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>】</div>
<div class="article" id="zoom">
{paragraphs}
</div>
<div class="editor">责任编辑：李明</div>
<div class="share">分享到：<a href="#" class="bds_weixin">微信</a><a href="#" class="bds_tsina">微博</a><a href="#">QQ空间</a></div>
<div class="tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</div>
<div class="related"><h3>相关链接</h3><ul><li><a href="#">示例省人民政府</a></li><li><a href="#">云岭市人民政府</a></li></ul></div>
<div id="footer"><p>主办：青禾县人民政府办公室&nbsp; 承办：青禾县大数据中心</p>
<p>版权所有 &copy; 青禾县人民政府 &nbsp; 网站标识码：0000000000 &nbsp; 示ICP备00000000号-1</p>
<script type="text/javascript">document.write(unescape("%3Cspan id='_ideConac'%3E%3C/span%3E"));</script></div>
</body>
</html>
"""


def html_bytes(text: str, variant: str) -> bytes:
    lines = text.split("\n")
    title = next((l.strip() for l in lines if l.strip().startswith("关于")), lines[0].strip())
    paragraphs = "\n".join(
        f"<p>{escape(l)}</p>" if l.strip() else "<p>&nbsp;</p>" for l in lines
    )
    meta = {
        "gbk-meta": '<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />\n',
        "gbk-nometa": "",
        "utf8": '<meta charset="utf-8">\n',
    }[variant]
    page = PORTAL.format(meta=meta, title=escape(title), paragraphs=paragraphs)
    return page.encode("utf-8" if variant == "utf8" else "gb18030")


def scanned_pdf() -> bytes:
    """One A4 page painting a 16x16 grey image: no fonts, no text operators."""
    pixels = bytes((x * 16 + y) % 256 for y in range(16) for x in range(16))
    content = b"q 200 0 0 200 100 500 cm /Im0 Do Q"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /XObject << /Im0 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width 16 /Height 16 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length %d >>\nstream\n" % len(pixels) + pixels + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def main() -> None:
    if shutil.which("soffice") is None:
        sys.exit("soffice not found: apt-get install -y libreoffice-writer-nogui fonts-wqy-microhei")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name, rel, html_variant in SOURCES:
            text = read_text(DEMO / rel)
            src = tmp / f"{name}.txt"
            src.write_text(text, encoding="utf-8")
            shutil.copy(src, OUT / f"{name}.txt")
            for fmt in ("docx:MS Word 2007 XML", "doc:MS Word 97", "pdf:writer_pdf_Export"):
                made = soffice(src, fmt, tmp)
                shutil.copy(made, OUT / made.name)
            shutil.copy(OUT / f"{name}.doc", OUT / f"{name}.wps")
            (OUT / f"{name}.ofd").write_bytes(ofd_bytes(text))
            (OUT / f"{name}.html").write_bytes(html_bytes(text, html_variant))
    (OUT / "scanned.pdf").write_bytes(scanned_pdf())
    for path in sorted(OUT.iterdir()):
        size = path.stat().st_size
        if size > 100_000:
            sys.exit(f"{path.name} is {size} bytes, over the 100 KB fixture budget")
        print(f"{size:>7}  {path.relative_to(ROOT)}")


if __name__ == "__main__":
    os.environ.setdefault("HOME", tempfile.gettempdir())
    main()
