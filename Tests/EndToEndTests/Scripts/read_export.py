#!/usr/bin/env python3
"""Reads a bscdesk CSV export and JSON export back with the standard csv
and json modules and prints the overall figures of each, so a test can
compare them with `bscdesk stats`.

usage: read_export.py CSV_FILE JSON_FILE
"""
import csv
import json
import sys

METRICS = ["gross_fcr", "net_fcr", "flr", "reopen_rate", "aht", "time_to_resolve", "sla", "csat"]


def from_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header, data = rows[0], rows[1:]
    if any(len(r) != len(header) for r in data):
        raise SystemExit("ragged CSV")
    if any(r[0] == "section" for r in data):
        raise SystemExit("more than one header row")
    records = [dict(zip(header, r)) for r in data]
    overall = [r for r in records if r["section"] == "overall"]
    if len(overall) != 1:
        raise SystemExit("expected one overall row")
    o = overall[0]
    out = {"tickets_opened": int(o["tickets_opened"]), "contacts": int(o["contacts"]), "rows": len(records),
           "sections": sorted({r["section"] for r in records})}
    for m in METRICS:
        column = m + ("_numerator_ms" if m in ("aht", "time_to_resolve") else "_numerator")
        out[m] = {"numerator": int(o[column]), "denominator": int(o[m + "_denominator"]),
                  "rag": o[m + "_rag"], "value": o[m + "_value"]}
    return out


def from_json(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    o = doc["overall"]
    out = {"tickets_opened": o["volumes"]["tickets_opened"], "contacts": o["volumes"]["contacts"],
           "as_at": doc["as_at"], "has_definitions": "Gross FCR" in doc["definitions"]}
    for m in METRICS:
        v = o["metrics"][m]
        out[m] = {"numerator": v["numerator"], "denominator": v["denominator"], "rag": v["rag"], "value": v["value"]}
    return out


print(json.dumps({"csv": from_csv(sys.argv[1]), "json": from_json(sys.argv[2])}, sort_keys=True))
