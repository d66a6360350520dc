#!/usr/bin/env python3
"""Recomputes bscdesk's FCR figures from the raw journal, independently of
the Swift code, following docs/metrics.md. Standard library only.

usage: recompute_fcr.py JOURNAL_DIR CATEGORIES_JSON FIRST_DAY LAST_DAY AS_AT
  CATEGORIES_JSON: the output of `bscdesk categories --format json`
  FIRST_DAY, LAST_DAY: ISO dates, inclusive, Europe/London
  AS_AT: ISO UTC timestamp (for provisional figures)
Prints one JSON object of numerators and denominators.
"""
import datetime as dt
import json
import os
import sys
import unicodedata
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
UTC = dt.timezone.utc
OPEN_H, CLOSE_H = 9, 17
WINDOW_DAYS = 3
CUSTOMER_SERVICES = "customer-services"

# England & Wales bank holidays as published on GOV.UK, hard-coded for the
# years the demo data spans (2025-2027) so this check does not share the
# Swift holiday rules.
BANK_HOLIDAYS = {dt.date.fromisoformat(d) for d in [
    "2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25", "2025-12-25", "2025-12-26",
    "2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28",
    "2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30", "2027-12-27", "2027-12-28",
]}


def ts(text):
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def local_date(t):
    return t.astimezone(LONDON).date()


def is_working(day):
    if not (2025 <= day.year <= 2027):
        raise SystemExit(f"no bank holidays hard-coded for {day.year}")
    return day.weekday() < 5 and day not in BANK_HOLIDAYS


def local_at(day, hour):
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=LONDON).astimezone(UTC)


def add_working(start, delta):
    """The earliest instant T at or after start with `delta` of working time in [start, T]."""
    remaining = delta
    day = local_date(start)
    cursor = start
    while True:
        if is_working(day):
            opens, closes = local_at(day, OPEN_H), local_at(day, CLOSE_H)
            begin = max(cursor, opens)
            if begin < closes:
                if remaining <= closes - begin:
                    return begin + remaining
                remaining -= closes - begin
        day += dt.timedelta(days=1)
        cursor = local_at(day, 0)


def fold(name):
    out = []
    for ch in unicodedata.normalize("NFD", name.lower()):
        if 0x300 <= ord(ch) <= 0x36F:
            continue
        out.append({"ł": "l", "ø": "o", "đ": "d", "ß": "s", "æ": "a"}.get(ch, ch))
    return " ".join("".join(out).split())


def norm_ref(ref):
    return (ref or "").strip().upper()


def same_caller(a, b):
    if a["ref_key"] and b["ref_key"]:
        return a["ref_key"] == b["ref_key"]
    return a["name"] != "" and a["name"] == b["name"]


def load(journal_dir):
    tickets = {}
    for name in sorted(os.listdir(journal_dir)):
        if not name.endswith(".jsonl"):
            continue
        with open(os.path.join(journal_dir, name), encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                e = json.loads(line)
                ref, kind, at = e["ref"], e["type"], ts(e["ts"])
                if kind == "ticket.opened":
                    tickets[ref] = {
                        "ref": ref, "received": ts(e["received"]), "opened": at, "opened_by": e["user"],
                        "raw_name": e.get("caller", ""), "raw_ref": e.get("caller_ref"),
                        # Encrypted journals: the blind indexes, compared as they are.
                        "ix_name": e.get("xn"), "ix_ref": e.get("xr"),
                        "category": e["category"], "first_category": e["category"], "channel": e["channel"],
                        "contacts": [(ts(e["received"]), e.get("duration_ms"))],
                        "routed": False, "resolved": None, "fcr": False, "fcr_moment": None,
                        "reopens": [], "rating": None,
                    }
                    continue
                t = tickets[ref]
                if kind == "contact.logged":
                    t["contacts"].append((ts(e["received"]), e.get("duration_ms")))
                elif kind == "ticket.routed":
                    if e["queue"] != CUSTOMER_SERVICES:
                        t["routed"] = True
                elif kind == "ticket.resolved":
                    t["resolved"] = at
                    if e.get("fcr") and not t["reopens"] and not t["fcr"]:
                        t["fcr"] = True
                        t["fcr_moment"] = at
                elif kind == "ticket.reopened":
                    t["reopens"].append(at)
                    t["resolved"] = None
                elif kind == "feedback.recorded":
                    t["rating"] = e["rating"]
                elif kind == "ticket.corrected":
                    field, to = e["field"], e["to"]
                    if field == "caller-name":
                        t["raw_name"] = to
                        if "xt" in e:
                            t["ix_name"] = e["xt"]
                    elif field == "caller-ref":
                        t["raw_ref"] = to or None
                        if "xt" in e:
                            t["ix_ref"] = e["xt"]
                    elif field == "category":
                        if len(t["contacts"]) <= 1 and not t["reopens"] and not t["routed"]:
                            t["first_category"] = to
                        t["category"] = to
    for t in tickets.values():
        t["name"] = ("#" + t["ix_name"] if t["ix_name"] else "") if t["ix_name"] is not None else fold(t["raw_name"])
        t["ref_key"] = ("#" + t["ix_ref"] if t["ix_ref"] else "") if t["ix_ref"] is not None else norm_ref(t["raw_ref"])
    return list(tickets.values())


def main():
    journal_dir, cats_path, first, last, as_at = sys.argv[1:6]
    first, last, as_at = dt.date.fromisoformat(first), dt.date.fromisoformat(last), ts(as_at)
    with open(cats_path, encoding="utf-8") as f:
        resolvable = {c["id"]: c["resolvable"] for q in json.load(f) for c in q["categories"]}
    tickets = load(journal_dir)
    window = dt.timedelta(hours=(CLOSE_H - OPEN_H) * WINDOW_DAYS)
    by_category = {}
    for t in tickets:
        by_category.setdefault(t["first_category"], []).append(t)

    out = {k: 0 for k in [
        "tickets_opened", "contacts", "contacts_with_duration", "contacts_without_duration", "handle_ms",
        "fcr_flagged", "fcr", "fcr_provisional", "disqualified", "net_opened", "net_fcr", "flr",
        "resolved", "resolved_reopened", "ratings", "ratings_good"]}
    for t in tickets:
        if first <= local_date(t["received"]) <= last:
            out["tickets_opened"] += 1
            for _, d in t["contacts"]:
                out["contacts"] += 1
                if d is None:
                    out["contacts_without_duration"] += 1
                else:
                    out["contacts_with_duration"] += 1
                    out["handle_ms"] += d
            net = resolvable.get(t["first_category"], False)
            out["net_opened"] += net
            if t["resolved"] is not None and not t["routed"]:
                out["flr"] += 1
            if t["fcr"]:
                out["fcr_flagged"] += 1
                start = t["fcr_moment"]
                end = add_working(start, window)
                bad = any(start < r <= end for r in t["reopens"])
                bad = bad or any(start < c <= end for c, _ in t["contacts"][1:])
                bad = bad or any(o is not t and start < o["received"] <= end and same_caller(t, o)
                                 for o in by_category[t["first_category"]])
                if bad:
                    out["disqualified"] += 1
                else:
                    out["fcr"] += 1
                    out["net_fcr"] += net
                    if as_at <= end:
                        out["fcr_provisional"] += 1
        if t["resolved"] is not None and first <= local_date(t["resolved"]) <= last:
            out["resolved"] += 1
            out["resolved_reopened"] += bool(t["reopens"])
            if t["rating"] is not None:
                out["ratings"] += 1
                out["ratings_good"] += t["rating"] >= 4
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
