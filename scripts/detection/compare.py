#!/usr/bin/env python3
"""Side-by-side comparison: Sightline PayloadClassifier vs libinjection vs CrowdSec lists.

Runs on the same data: the labelled training CSV and data/benign_corpus.txt.

    python3 -m venv venv && venv/bin/pip install libinjection-python
    apt-get install -y crowdsec            # optional, for /usr/share/crowdsec/data/*.txt
    swift build -c release
    venv/bin/python scripts/detection/compare.py     # prints markdown tables

Sightline's numbers come from `PayloadEval --json` (5-fold cross-validation of the learned
rule weights). libinjection and the CrowdSec lists have nothing to learn and are run once
on all values. libinjection only knows sqli and xss; CrowdSec ships sqli, xss, path
traversal and log4j pattern lists (applied as case-insensitive substring matches to the
value and to its URL-encoded form, since the lists are written in encoded form).
"""
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the repository
TRAIN = os.environ.get("SIGHTLINE_PAYLOAD_TRAIN", "/work/shared/datasets/http-params/payload_train.csv")
BENIGN = os.path.join(ROOT, "Tests", "SightlineDetectionTests", "Data", "benign_corpus.txt")
CROWDSEC = "/usr/share/crowdsec/data"
TYPES = ["sqli", "xss", "cmdi", "path-traversal"]


def load():
    rows = []
    with open(TRAIN, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows.append((r["payload"], None if r["attack_type"] == "norm" else r["attack_type"], False))
    with open(BENIGN, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                rows.append((line, None, True))
    return rows


def prf(tp, fp, fn, tn):
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    fpr = fp / (fp + tn) if fp + tn else 0.0
    return p, r, f1, fpr


def metrics(rows, preds, subset, types):
    out = {}
    for t in types:
        tp = fp = fn = tn = 0
        for i in subset:
            truth, pred = rows[i][1] == t, preds[i] == t
            tp += truth and pred
            fp += (not truth) and pred
            fn += truth and not pred
            tn += (not truth) and not pred
        out[t] = prf(tp, fp, fn, tn) + (tp + fn,)
    tp = fp = fn = tn = 0
    for i in subset:
        truth, pred = rows[i][1] is not None, preds[i] is not None
        tp += truth and pred
        fp += (not truth) and pred
        fn += truth and not pred
        tn += (not truth) and not pred
    out["overall"] = prf(tp, fp, fn, tn) + (tp + fn,)
    return out


def libinjection_preds(rows):
    import libinjection
    preds = []
    t0 = time.time()
    for v, _, _ in rows:
        if libinjection.is_sql_injection(v)["is_sqli"]:
            preds.append("sqli")
        elif libinjection.is_xss(v)["is_xss"]:
            preds.append("xss")
        else:
            preds.append(None)
    return preds, len(rows) / (time.time() - t0)


def crowdsec_preds(rows):
    lists = {"log4shell": "log4j2_cve_2021_44228.txt", "xss": "xss_probe_patterns.txt",
             "sqli": "sqli_probe_patterns.txt", "path-traversal": "path_traversal.txt"}
    pats = {}
    for t, fn in lists.items():
        p = os.path.join(CROWDSEC, fn)
        if not os.path.exists(p):
            return None, f"{p} missing"
        with open(p, encoding="utf-8", errors="replace") as f:
            pats[t] = [l.strip().lower() for l in f if l.strip()]
    preds = []
    for v, _, _ in rows:
        low = v.lower()
        enc = urllib.parse.quote(v, safe="").lower()
        hit = None
        for t in ["log4shell", "xss", "sqli", "path-traversal"]:
            if any(p in low or p in enc for p in pats[t]):
                hit = t
                break
        preds.append(hit)
    return preds, ", ".join(f"{t}: {len(p)} patterns" for t, p in pats.items())


def fmt(x):
    return f"{x:.4f}"


def main():
    rows = load()
    csv_idx = [i for i, r in enumerate(rows) if not r[2]]
    corpus_idx = [i for i, r in enumerate(rows) if r[2]]
    all_idx = list(range(len(rows)))

    binary = os.path.join(ROOT, "Benchmarks", "sqlite-choice", ".build", "release", "PayloadEval")
    tmp = tempfile.mkdtemp(prefix="sightline-compare-")
    report_path = os.path.join(tmp, "payload_eval.json")
    subprocess.run([binary, "--json", report_path], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    with open(report_path) as f:
        ours = json.load(f)

    li, li_rate = libinjection_preds(rows)
    cs, cs_info = crowdsec_preds(rows)

    print(f"values: {len(csv_idx)} training CSV + {len(corpus_idx)} benign corpus\n")
    for title, subset, key in [("Training CSV", csv_idx, "5-fold CV, training CSV"),
                               ("Training CSV + benign corpus", all_idx, "5-fold CV, CSV + benign corpus")]:
        print(f"### {title}\n")
        print("| type | support | Sightline P / R / F1 / FPR | libinjection P / R / F1 / FPR | CrowdSec lists P / R / F1 / FPR |")
        print("|---|---:|---|---|---|")
        lm = metrics(rows, li, subset, TYPES)
        cm = metrics(rows, cs, subset, TYPES) if cs else None
        for t in TYPES + ["overall"]:
            o = ours[key].get(t)
            os_ = " / ".join(fmt(o[k]) for k in ["precision", "recall", "f1", "fpr"]) if o else "—"
            l = lm[t]
            ls = " / ".join(fmt(x) for x in l[:4]) if t in ("sqli", "xss", "overall") else "not covered"
            if cm:
                c = cm[t]
                cs_s = " / ".join(fmt(x) for x in c[:4]) if t != "cmdi" else "no list"
            else:
                cs_s = "unavailable"
            name = "**attack vs benign**" if t == "overall" else t
            print(f"| {name} | {l[4]} | {os_} | {ls} | {cs_s} |")
        print()
    print("### Benign corpus only (false-positive rate)\n")
    o = ours["5-fold CV, benign corpus"]["overall"]
    lf = sum(li[i] is not None for i in corpus_idx)
    line = f"| Sightline | {o['fp']} / {len(corpus_idx)} | {fmt(o['fpr'])} |\n| libinjection | {lf} / {len(corpus_idx)} | {fmt(lf / len(corpus_idx))} |"
    if cs:
        cf = sum(cs[i] is not None for i in corpus_idx)
        line += f"\n| CrowdSec lists | {cf} / {len(corpus_idx)} | {fmt(cf / len(corpus_idx))} |"
    print("| detector | flagged | FPR |\n|---|---:|---:|\n" + line + "\n")
    # Hand-written probes (Tests/SightlineDetectionTests/Data/probe_*): styles not taken from the CSV.
    data = os.path.join(ROOT, "Tests", "SightlineDetectionTests", "Data")
    probes = []
    with open(os.path.join(data, "probe_labelled.tsv"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("## ") and "\t" in line:
                t, v = line.split("\t", 1)
                probes.append((v, t, False))
    with open(os.path.join(data, "probe_benign.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("## "):
                probes.append((line, None, False))
    values_path, verdicts_path = os.path.join(tmp, "probes.txt"), os.path.join(tmp, "probes.out")
    with open(values_path, "w", encoding="utf-8") as f:
        for v, _, _ in probes:
            f.write(v + "\n")
    subprocess.run([binary, "--verdicts", values_path, verdicts_path], cwd=ROOT, check=True)
    with open(verdicts_path, encoding="utf-8") as f:
        sp = [None if l.strip() == "benign" else l.strip() for l in f]
    pl, _ = libinjection_preds(probes)
    pc, _ = crowdsec_preds(probes)
    ptypes = [t for t in ["sqli", "xss", "cmdi", "path-traversal", "ssrf", "template-injection", "log4shell", "nosql"]
              if any(p[1] == t for p in probes)]
    pidx = list(range(len(probes)))
    print(f"### Hand-written probes ({sum(p[1] is not None for p in probes)} attacks, {sum(p[1] is None for p in probes)} benign)\n")
    print("| type | support | Sightline P / R / F1 / FPR | libinjection P / R / F1 / FPR | CrowdSec lists P / R / F1 / FPR |")
    print("|---|---:|---|---|---|")
    sm, lm, cm = metrics(probes, sp, pidx, ptypes), metrics(probes, pl, pidx, ptypes), metrics(probes, pc, pidx, ptypes) if pc else None
    for t in ptypes + ["overall"]:
        name = "**attack vs benign**" if t == "overall" else t
        ls = " / ".join(fmt(x) for x in lm[t][:4]) if t in ("sqli", "xss", "overall") else "not covered"
        cs_s = (" / ".join(fmt(x) for x in cm[t][:4]) if t in ("sqli", "xss", "path-traversal", "log4shell", "overall") else "no list") if cm else "unavailable"
        print(f"| {name} | {sm[t][4]} | {' / '.join(fmt(x) for x in sm[t][:4])} | {ls} | {cs_s} |")
    print()
    print(f"libinjection (Python binding, one thread): {li_rate:,.0f} values/s; Sightline classify(String), one thread: {ours['throughput_values_per_s']:,.0f} values/s")
    print(f"CrowdSec lists: {cs_info}")
    if "--misses" in sys.argv:
        for i in all_idx:
            if rows[i][1] in ("sqli", "xss") and li[i] is None:
                print("libinjection FN", rows[i][1], repr(rows[i][0][:120]))
            if rows[i][1] is None and li[i] is not None:
                print("libinjection FP", repr(rows[i][0][:120]))


if __name__ == "__main__":
    main()
