#!/usr/bin/env python3
"""Writes the related-reports test corpus into DIR/reports/<yyyy>/: twelve
topics, each with a pair of near-duplicate reports (the same account in
slightly different words) over a vocabulary no other topic uses, plus
four unrelated reports that share only common words with the others.
Prints each pair as "ID ID" on stdout.  Usage: corpus.py DIR"""
import os
import sys

TOPICS = [
    "tourniquet artery bleeding medic compress gauze windlass",
    "ladder rooftop skylight gutter shingles parapet chimney",
    "canoe river current paddle lifejacket riverbank rapids",
    "forklift warehouse pallet loading dock conveyor shelving",
    "horse stable saddle bridle hooves paddock mounted",
    "elevator shaft cable pulley machine room hoistway",
    "propane tank valve regulator cylinder hissing odorant",
    "drone rotor battery quadcopter propeller hovering airspace",
    "bridge railing overpass girder viaduct abutment span",
    "snowmobile trail sled throttle drift groomer avalanche",
    "tractor trailer hitch coupling kingpin fifth wheel",
    "subway platform tunnel turnstile railcar conductor signal",
]
TYPES = ["traffic-stop", "foot-pursuit", "vehicle-pursuit", "other"]
COMMON = ("officer responded call scene radio partner patrol vehicle "
          "dispatch report night").split()


def report(path, rid, title, text, itype, factor):
    with open(path, "w") as f:
        f.write("---\n")
        f.write("id: %s\n" % rid)
        f.write('title: "%s"\n' % title)
        f.write("event_date: 2025-03\n")
        f.write("published: 2025-04-%02d\n" % (int(rid[-2:]) % 28 + 1))
        f.write("incident_type: %s\n" % itype)
        f.write("contributing_factors: [%s]\n" % factor)
        f.write("loss_potential: serious-injury\n")
        f.write('summary: "%s"\n' % title)
        f.write("---\n")
        f.write(text + "\n\n## Lessons learned\n\n- " + text.split(".")[0]
                + ".\n")


def main():
    top = sys.argv[1]
    d = os.path.join(top, "reports", "2025")
    os.makedirs(d, exist_ok=True)
    n = 1
    for t, words in enumerate(TOPICS):
        w = words.split()
        base = ("The %s and the %s nearly failed. We checked the %s and "
                "the %s near the %s while the %s held. Then the %s moved. "
                "An %s was on the %s.") % (w[0], w[1], w[2], w[3], w[4],
                                         w[5], w[6], COMMON[t % 11],
                                         COMMON[(t + 3) % 11])
        dup = base.replace("nearly failed", "almost gave way").replace(
            "Then", "After that")
        a = "2025-%04d" % n
        b = "2025-%04d" % (n + 1)
        # The pair's two reports differ in incident type, so that only
        # their text can bring them together.
        report(os.path.join(d, a + ".md"), a, "Account %d of %s" % (n, w[0]),
               base, TYPES[t % 4], "training")
        report(os.path.join(d, b + ".md"), b,
               "Account %d of %s" % (n + 1, w[0]), dup, TYPES[(t + 1) % 4],
               "fatigue")
        print(a, b)
        n += 2
    for k in range(4):
        rid = "2025-%04d" % n
        text = " ".join(COMMON[(k + i) % len(COMMON)] for i in range(9))
        report(os.path.join(d, rid + ".md"), rid, "Unrelated %d" % k,
               text.capitalize() + ".", TYPES[k], "communication")
        n += 1


main()
