#!/usr/bin/env python3
# tests/gen/stats.sh's helper: makes test corpora and checks stats/ (the
# charts, tables, trends, emerging signals and feed) against counts it
# computes itself from the reports' front matter.
#   stats.py corpus DIR INI MODE   write DIR/reports/ (MODE rise or flat)
#   stats.py counts CONTENT SITE K check the charts and tables
#   stats.py small SITE K          no count below K in stats/
#   stats.py trend SITE WANT       WANT: "rise FACTOR-SLUG WORD" or "none"
#   stats.py atom FILE             parses as Atom; prints the entry count
import os
import random
import re
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

SVG = "{http://www.w3.org/2000/svg}"
ATOM = "{http://www.w3.org/2005/Atom}"
MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
       "Oct", "Nov", "Dec"]


def ini_terms(path):
    tax, sec = {}, None
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if line.startswith("["):
            sec = line[1:-1]
            tax[sec] = []
        elif sec and "=" in line and not line.startswith(";"):
            slug, label = [x.strip() for x in line.split("=", 1)]
            tax[sec].append((slug, label))
    return tax


def front_matter(path):
    txt = open(path, encoding="utf-8").read()
    fm = txt.split("---\n")[1]
    r = {}
    m = re.search(r"^event_date: (\d{4})-(\d{2})", fm, re.M)
    r["month"] = int(m.group(1)) * 12 + int(m.group(2)) - 1
    r["year"] = int(m.group(1))
    r["type"] = re.search(r"^incident_type: (\S+)", fm, re.M).group(1)
    r["loss"] = re.search(r"^loss_potential: (\S+)", fm, re.M).group(1)
    f = re.search(r"^contributing_factors: \[(.*)\]", fm, re.M).group(1)
    r["factors"] = sorted(set(x.strip() for x in f.split(",")))
    return r


def reports(content):
    out = []
    for d, _, files in os.walk(os.path.join(content, "reports")):
        for f in files:
            if f.endswith(".md"):
                out.append(front_matter(os.path.join(d, f)))
    return out


class Tables(HTMLParser):
    """The tables of a page: id -> list of rows (list of cell texts),
    and the SVG source of each chart, in order."""

    def __init__(self):
        super().__init__()
        self.tables, self.cur, self.row, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.cur = a.get("id")
            self.tables[self.cur] = []
        elif tag == "tr" and self.cur is not None:
            self.row = []
            self.tables[self.cur].append(self.row)
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == "table":
            self.cur = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def page(site):
    html = open(os.path.join(site, "stats", "index.html"),
                encoding="utf-8").read()
    p = Tables()
    p.feed(html)
    svgs = {}
    for m in re.finditer(r"<svg .*?</svg>", html, re.S):
        e = ET.fromstring(m.group(0))
        svgs[e.get("aria-labelledby")[:-2]] = e
    return html, p.tables, svgs


fails = 0


def fail(msg):
    global fails
    fails += 1
    print("FAIL: " + msg, file=sys.stderr)


def expect_cell(where, text, n, k):
    if text == "withheld":
        if n < k:
            fail("%s: withheld but below k (%d)" % (where, n))
    elif text == "< %d" % k:
        if n >= k:
            fail("%s: '< %d' but the count is %d" % (where, k, n))
    elif text != str(n) or n < k:
        fail("%s: shows %r, the count is %d" % (where, text, n))


def guard(where, texts):
    hidden = [t for t in texts if t.startswith("<") or t == "withheld"]
    if len(hidden) == 1 and len(texts) > 1:
        fail("%s: one hidden cell beside a total gives it away" % where)


def check_chart(tables, svgs, tid, want, k, groups=None):
    rows = tables.get(tid)
    if rows is None:
        fail("no table " + tid)
        return
    body = rows[1:]
    if [r[0] for r in body] != [w[0] for w in want]:
        fail("%s: rows %r, want %r" % (tid, [r[0] for r in body],
                                       [w[0] for w in want]))
        return
    for r, (label, n) in zip(body, want):
        expect_cell("%s %s" % (tid, label), r[1], n, k)
    for g in groups or [list(range(len(body)))]:
        guard(tid, [body[i][1] for i in g])
    svg = svgs.get(tid)
    if svg is None:
        fail("no chart " + tid)
        return
    if svg.get("role") != "img" or svg.get("width") is not None or \
            svg.find(SVG + "title") is None:
        fail(tid + ": chart not role=img with a title, or fixed width")
    shown = [n for (l, n), r in zip(want, body) if r[1] == str(n)]
    mx = max(shown) if shown else 0
    gs = svg.findall(SVG + "g")
    if len(gs) != len(want):
        fail("%s: %d bars for %d rows" % (tid, len(gs), len(want)))
        return
    for g, r, (label, n) in zip(gs, body, want):
        texts = g.findall(SVG + "text")
        rect = g.find(SVG + "rect")
        if texts[0].text != label or texts[1].text != r[1]:
            fail("%s: bar %r says %r" % (tid, label, texts[1].text))
        w = int(rect.get("width"))
        if r[1] == str(n):
            want_w = max(n * 220 // mx, 1 if n else 0)
            if rect.get("class") != "bar" or w != want_w:
                fail("%s: bar %s width %d, want %d" % (tid, label, w,
                                                        want_w))
        elif rect.get("class") != "bar-stub" or w != 12:
            fail("%s: hidden bar %s is not the stub (%s, %d)" %
                 (tid, label, rect.get("class"), w))


def counts(content, site, k):
    tax = ini_terms(os.path.join(content, "nearmiss.ini"))
    rs = reports(content)
    html, tables, svgs = page(site)
    newest = max(r["month"] for r in rs)
    months = list(range(newest - 35, newest + 1))
    want = [("%s %d" % (MON[m % 12], m // 12),
             sum(r["month"] == m for r in rs)) for m in months]
    groups = {}
    for i, m in enumerate(months):
        groups.setdefault(m // 12, []).append(i)
    check_chart(tables, svgs, "per-month", want, k,
                list(groups.values()) + [list(range(24, 36)),
                                         list(range(33, 36))])
    years = sorted(set(r["year"] for r in rs))
    check_chart(tables, svgs, "per-year",
                [(str(y), sum(r["year"] == y for r in rs)) for y in years], k)
    check_chart(tables, svgs, "by-type",
                [(l, sum(r["type"] == s for r in rs))
                 for s, l in tax["incident_type"]], k)
    check_chart(tables, svgs, "by-factor",
                [(l, sum(s in r["factors"] for r in rs))
                 for s, l in tax["contributing_factors"]], k, [])
    check_chart(tables, svgs, "by-loss",
                [(l, sum(r["loss"] == s for r in rs))
                 for s, l in tax["loss_potential"]], k)
    mx = tables.get("matrix")
    if mx is None:
        fail("no matrix")
    else:
        types = tax["incident_type"]
        if mx[0][1:] != [l for s, l in types]:
            fail("matrix: columns %r" % mx[0][1:])
        for row, (fs, fl) in zip(mx[1:], tax["contributing_factors"]):
            if row[0] != fl:
                fail("matrix: row %r, want %r" % (row[0], fl))
            for cell, (ts, tl) in zip(row[1:], types):
                n = sum(fs in r["factors"] and r["type"] == ts for r in rs)
                expect_cell("matrix %s x %s" % (fl, tl), cell, n, k)
            guard("matrix row " + fl, row[1:])
    if not re.search(r'<svg[^>]*viewBox="0 0 \d+ \d+"', html):
        fail("no viewBox")
    if re.search(r"\sstyle=", html):
        fail("a style attribute (the CSP forbids inline styles)")


def small(site, k):
    html, tables, svgs = page(site)
    ok_cell = re.compile(r"^(< %d|withheld|–|\d+\.\d{3}|< 0\.001|.*\D.*)$" % k)
    for tid, rows in tables.items():
        for row in rows[1:]:
            for c in row[1:]:
                if re.fullmatch(r"\d+", c) and int(c) < k:
                    fail("%s: count %s below k" % (tid, c))
                elif not ok_cell.match(c) and not re.fullmatch(r"\d+", c):
                    fail("%s: odd cell %r" % (tid, c))
    for e in svgs.values():
        for t in e.iter(SVG + "text"):
            if t.get("class") == "chart-value" and \
                    re.fullmatch(r"\d+", t.text) and int(t.text) < k:
                fail("chart value %s below k" % t.text)
    text = re.sub(r"<[^>]+>", " ", html)
    feed = open(os.path.join(site, "stats", "emerging.xml"),
                encoding="utf-8").read()
    for src in (text, feed):
        for m in re.finditer(r"(\d+) (?:of|reports)\b", src):
            if int(m.group(1)) < k and not src[:m.start()].endswith("< "):
                fail("a count below k: %r" % src[m.start() - 20:m.end()])


def trend(site, want):
    html, tables, _ = page(site)
    rows = re.findall(r'<tr class="(rose|fell|same)"><th scope="row">'
                      r'([^:]*): <a href="\.\./([^"]*)"', html)
    changed = [(c, u) for c, _, u in rows if c != "same"]
    feed = open(os.path.join(site, "stats", "emerging.xml"),
                encoding="utf-8").read()
    ids = re.findall(r"<id>[^<]*#([^<]*)</id>", feed)
    if want[0] == "none":
        if changed:
            fail("no trend expected, got %r" % changed)
        if ids:
            fail("no signal expected, got %r" % ids)
        if "No emerging pattern" not in html:
            fail("the page does not say there is no emerging pattern")
    else:
        slug, word = want[1], want[2]
        if ("rose", "factor/%s/" % slug) not in changed:
            fail("factor %s not reported as rising: %r" % (slug, changed))
        if not any(i.startswith("term-") and word[:4] in i for i in ids):
            fail("planted word %s not among the signals %r" % (word, ids))
        if not re.search(r'<p class="signal-title">Term “%s”' % word, html):
            fail("planted word %s not shown as a word form" % word)
        if not re.search(r'<li><a href="\.\./reports/\d{4}-\d{4}/">', html):
            fail("signals do not link their reports")


def atom(path):
    root = ET.parse(path).getroot()
    if root.tag != ATOM + "feed":
        fail("not an Atom feed")
    for tag in ("id", "title", "updated"):
        if root.find(ATOM + tag) is None:
            fail("feed without " + tag)
    ents = root.findall(ATOM + "entry")
    ids = set()
    for e in ents:
        for tag in ("id", "title", "updated", "link"):
            if e.find(ATOM + tag) is None:
                fail("entry without " + tag)
        ids.add(e.find(ATOM + "id").text)
        if not re.fullmatch(r"\d{4}-\d\d-01T00:00:00Z",
                            e.find(ATOM + "updated").text):
            fail("entry date not the signal's month")
    if len(ids) != len(ents):
        fail("entry ids not unique")
    print(len(ents))


WORDS = ("radio dispatch suspect vehicle officer partner scene backup "
         "door window street corner light weapon hand stop call report "
         "driver approach cover distance time minute sergeant shift "
         "night road car house yard crowd knife training policy").split()


def corpus(d, ini, mode):
    tax = ini_terms(ini)
    rnd = random.Random(11)
    types = [s for s, _ in tax["incident_type"]]
    facs = [s for s, _ in tax["contributing_factors"]]
    loss = [s for s, _ in tax["loss_potential"]]
    start = 2022 * 12 + 10
    seq = {}
    for m in range(start, start + 48):
        y, mo = m // 12, m % 12 + 1
        for j in range(12):
            seq[y] = seq.get(y, 0) + 1
            rid = "%d-%04d" % (y, seq[y])
            recent12 = m >= start + 36
            recent3 = m >= start + 45
            f = set(rnd.sample([x for x in facs if x != "fatigue"], 2))
            if rnd.random() < (0.45 if mode == "rise" and recent12
                               else 0.15):
                f.add("fatigue")
            words = [rnd.choice(WORDS) for _ in range(60)]
            if mode == "rise" and recent3 and j % 2 == 0:
                words[7] = "zipline"
            os.makedirs(os.path.join(d, "reports", str(y)), exist_ok=True)
            with open(os.path.join(d, "reports", str(y), rid + ".md"),
                      "w", encoding="utf-8") as o:
                o.write("---\nid: %s\ntitle: \"Report %s\"\n"
                        "event_date: %d-%02d\npublished: %d-%02d-28\n"
                        "incident_type: %s\ncontributing_factors: [%s]\n"
                        "loss_potential: %s\nofficers_on_scene: 2\n"
                        "summary: \"A test report.\"\n---\n%s.\n\n"
                        "## Lessons learned\n\nKeep %s.\n" %
                        (rid, rid, y, mo, y, mo, rnd.choice(types),
                         ", ".join(sorted(f)), rnd.choice(loss),
                         " ".join(words[:30]).capitalize(),
                         " ".join(words[30:])))


def main():
    cmd = sys.argv[1]
    if cmd == "corpus":
        corpus(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == "counts":
        counts(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif cmd == "small":
        small(sys.argv[2], int(sys.argv[3]))
    elif cmd == "trend":
        trend(sys.argv[2], sys.argv[3:])
    elif cmd == "atom":
        atom(sys.argv[2])
    sys.exit(1 if fails else 0)


main()
