#!/usr/bin/env python3
"""Checks the lessons pages and the feeds of a site built from a content
folder, against the front matter and bodies read here independently.
Usage: check.py SITE CONTENT FEED_ITEMS PER_PAGE
Prints one line per failed check ("FAIL: ..."), then "checks: N" (the
number of checks made); exits 1 if any failed."""
import glob
import html
import os
import re
import sys
import xml.etree.ElementTree as ET

site, content, feed_items, per_page = sys.argv[1], sys.argv[2], \
    int(sys.argv[3]), int(sys.argv[4])
fails = 0
checks = 0
ATOM = "{http://www.w3.org/2005/Atom}"


def check(cond, what):
    global fails, checks
    checks += 1
    if not cond:
        fails += 1
        print("FAIL: " + what)


def front(path):
    text = open(path, encoding="utf-8").read()
    head, body = text.split("\n---\n", 1)
    fm = {}
    for line in head.splitlines()[1:]:
        m = re.match(r"^([a-z_]+): (.*)$", line)
        if m:
            v = m.group(2).strip()
            if v.startswith("[") and v.endswith("]"):
                v = [x.strip() for x in v[1:-1].split(",") if x.strip()]
            elif v.startswith('"'):
                v = v[1:-1]
            fm[m.group(1)] = v
    narrative, rest = body.split("## Lessons learned", 1)
    lessons = rest.split("## Reviewer comments", 1)[0]
    fm["narrative"] = narrative
    fm["lessons"] = lessons
    fm["comments"] = rest[len(lessons):]
    return fm


reports = [front(p) for p in glob.glob(content + "/reports/*/*.md")]
newest = sorted(reports, key=lambda r: (r["published"], r["id"]),
                reverse=True)


def words(md):
    """Marker words of a Markdown part (the fixtures' *-MARK-NNNN)."""
    return set(re.findall(r"[A-Z]+-MARK-\d+", md))


def lessons_pages(facet, field):
    terms = {}
    for r in newest:
        vals = r[field] if isinstance(r[field], list) else [r[field]]
        for v in vals:
            terms.setdefault(v, []).append(r)
    for term, rs in terms.items():
        ids = []
        text = ""
        p = 1
        while True:
            path = "%s/lessons/%s/%s/%sindex.html" % (
                site, facet, term, "" if p == 1 else "page/%d/" % p)
            if not os.path.exists(path):
                break
            page = open(path, encoding="utf-8").read()
            ids += re.findall(r'<p class="lessons-meta">Report ([^ ]+) ',
                              page)
            text += page
            p += 1
        want = [r["id"] for r in rs]
        check(ids == want, "lessons/%s/%s: reports %s, want %s" %
              (facet, term, ids, want))
        check(p - 1 == max(1, -(-len(rs) // per_page)),
              "lessons/%s/%s: %d pages" % (facet, term, p - 1))
        for r in rs:
            for w in words(r["lessons"]):
                check(w in text, "lessons/%s/%s: lesson %s of %s" %
                      (facet, term, w, r["id"]))
            for w in words(r["narrative"]):
                check(w not in text, "lessons/%s/%s: no narrative %s" %
                      (facet, term, w))
            check('href="../../../reports/%s/"' % r["id"] in text or
                  'href="../../../../../reports/%s/"' % r["id"] in text,
                  "lessons/%s/%s: links back to %s" % (facet, term,
                                                      r["id"]))


def keywords(facet, field):
    """The words a first lessons page says its reports keep mentioning:
    each used in the group, in at least 3 and at most all of its reports
    (tests/gen/lessons.sh plants a word to check the ranking itself)."""
    shown = 0
    for term in sorted({v for r in reports for v in
                        (r[field] if isinstance(r[field], list)
                         else [r[field]])}):
        path = "%s/lessons/%s/%s/index.html" % (site, facet, term)
        if not os.path.exists(path):
            continue
        page = open(path, encoding="utf-8").read()
        got = re.findall(r'<li>([^<]+) <span class="count">(\d+)</span>'
                         r'</li>', page.split('class="keep-mentioning"')[-1]
                         .split("</section>")[0]) \
            if 'class="keep-mentioning"' in page else []
        group = [r for r in reports if term in
                 (r[field] if isinstance(r[field], list) else [r[field]])]
        rest = [r for r in reports if r not in group]
        for word, n in got:
            shown += 1
            # A word is one form of a stem ("ran" of run): a prefix of it
            # must appear in a report of the group, and the count is of
            # the group's reports.
            pat = re.compile(r"\b%s" % re.escape(word[:3]), re.I)
            have = sum(1 for r in group if pat.search(
                r["title"] + " " + r["summary"] + " " + r["narrative"] +
                " " + r["lessons"] + " " + r["comments"]))
            check(have >= 1 and 3 <= int(n) <= len(group),
                  "%s/%s: %r (%s of %d reports; %d use %s...)" %
                  (facet, term, word, n, len(group), have, word[:3]))
    return shown


if os.environ.get("KEYWORDS"):
    check(keywords("incident-type", "incident_type") +
          keywords("factor", "contributing_factors") > 10,
          "the lessons pages show characteristic words")

lessons_pages("incident-type", "incident_type")
lessons_pages("factor", "contributing_factors")
check(os.path.exists(site + "/lessons/index.html"), "lessons/index.html")


def feed(path, rs):
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        check(False, "%s: %s" % (path, e))
        return
    entries = root.findall(ATOM + "entry")
    got = [e.find(ATOM + "id").text.rstrip("/").rsplit("/", 1)[1]
           for e in entries]
    want = [r["id"] for r in rs][:feed_items]
    check(got == want, "%s: entries %s, want %s" % (path, got, want))
    for e, r in zip(entries, rs):
        c = e.find(ATOM + "content")
        check(c is not None and c.get("type") == "html",
              "%s: %s has html content" % (path, r["id"]))
        if c is None:
            continue
        body = html.unescape(c.text or "")
        for w in words(r["narrative"]) | words(r["lessons"]):
            check(w in c.text, "%s: %s carries %s" % (path, r["id"], w))
        check("<h2>Lessons learned</h2>" in body,
              "%s: %s has its lessons heading" % (path, r["id"]))


for facet, field in (("incident-type", "incident_type"),
                     ("factor", "contributing_factors"),
                     ("loss-potential", "loss_potential"),
                     ("year", "event_date")):
    terms = {}
    for r in newest:
        vals = r[field] if isinstance(r[field], list) else [r[field]]
        for v in vals:
            if field == "event_date":
                v = v[:4]
            terms.setdefault(v, []).append(r)
    for term, rs in terms.items():
        feed("%s/%s/%s/atom.xml" % (site, facet, term), rs)
feed(site + "/atom.xml", newest)

print("checks: %d" % checks)
sys.exit(1 if fails else 0)
