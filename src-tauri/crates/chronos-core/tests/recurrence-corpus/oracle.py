#!/usr/bin/env python3
"""Independent expectations for the recurrence corpus.

The occurrences of each recurring master come from python-dateutil's `rrule`/`rruleset`
(RRULE, EXRULE, RDATE, EXDATE), with wall-clock times in the series' zone through the standard
library's `zoneinfo`. This script only reads Google's event fields, hands the rules to dateutil,
and applies Google's exception model (an instance replaces the occurrence at its
`originalStartTime`; a cancelled one removes it).

Usage: oracle.py CASES_DIR OUT_DIR
"""

import json
import sys
import warnings
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrulestr, rruleset

UTC = timezone.utc


class Skip(Exception):
    pass


def zone(name):
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Skip(name)


def parse_time(v):
    """('date', date) or ('dt', aware datetime in the event's own zone)."""
    if v is None:
        raise Skip("no time")
    if "date" in v:
        return ("date", date.fromisoformat(v["date"]))
    s = v["dateTime"]
    tz = zone(v["timeZone"]) if v.get("timeZone") else None
    dt = datetime.fromisoformat(s.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        if tz is None:
            raise Skip("floating")
        dt = dt.replace(tzinfo=tz)
    elif tz is not None:
        dt = dt.astimezone(tz)
    return ("dt", dt)


def utc_str(dt):
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def split_line(line):
    head, value = line.split(":", 1)
    parts = head.split(";")
    params = {}
    for p in parts[1:]:
        if "=" in p:
            k, v = p.split("=", 1)
            params[k.upper()] = v
    return parts[0].upper(), params, value


def fix_until(rule, tz):
    """dateutil wants UNTIL in UTC when DTSTART is aware: a date UNTIL means 'starts on or before
    that day in the series' zone'."""
    if tz is None:
        return rule
    out = []
    for part in rule.split(";"):
        k, _, v = part.partition("=")
        if k.upper() == "UNTIL" and not v.endswith("Z"):
            if len(v) == 8:
                local = datetime.strptime(v, "%Y%m%d").replace(hour=23, minute=59, second=59, tzinfo=tz)
            else:
                local = datetime.strptime(v, "%Y%m%dT%H%M%S").replace(tzinfo=tz)
            v = local.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        out.append(f"{k}={v}" if k else part)
    return ";".join(out)


def date_values(params, value, tz):
    """RDATE/EXDATE values as series-zone datetimes (timed) or midnight datetimes (all-day);
    ('day', date) for VALUE=DATE on a timed series."""
    src = zone(params["TZID"]) if "TZID" in params else tz
    out = []
    for v in value.split(","):
        v = v.split("/")[0]
        if len(v) == 8:
            d = datetime.strptime(v, "%Y%m%d").date()
            out.append(("day", d) if tz is not None else ("at", datetime.combine(d, time())))
            continue
        if v.endswith("Z"):
            dt = datetime.strptime(v[:-1], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
        else:
            dt = datetime.strptime(v, "%Y%m%dT%H%M%S").replace(tzinfo=src)
        if tz is None:
            out.append(("at", datetime.combine(dt.date(), time())))
        else:
            out.append(("at", dt.astimezone(tz)))
    return out


def master_starts(master, start, lo, hi):
    """Series starts (aware or naive-midnight datetimes) between lo and hi."""
    kind, dtstart = start
    if kind == "date":
        dtstart = datetime.combine(dtstart, time())
        tz = None
    else:
        tz = dtstart.tzinfo
    rs = rruleset()
    rs.rdate(dtstart)
    exdays = set()
    for line in master.get("recurrence", []):
        name, params, value = split_line(line.strip())
        if name in ("RRULE", "EXRULE"):
            r = rrulestr(fix_until(value, tz), dtstart=dtstart)
            # Capping UNTIL at the window's end changes nothing inside the window, and spares
            # dateutil a walk to year 9999 on rules that never match again.
            if r._until is None or r._until > hi:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", DeprecationWarning)
                    r = r.replace(until=hi if tz is not None else hi.replace(tzinfo=None))
            (rs.rrule if name == "RRULE" else rs.exrule)(r)
        elif name in ("RDATE", "EXDATE"):
            for k, v in date_values(params, value, tz):
                if k == "day":
                    if name == "EXDATE":
                        exdays.add(v)
                    else:
                        rs.rdate(datetime.combine(v, dtstart.timetz()))
                else:
                    (rs.rdate if name == "RDATE" else rs.exdate)(v)
        else:
            raise Skip(line)
    out = []
    it = iter(rs)
    while True:
        try:
            t = next(it)
        except StopIteration:
            break
        except ValueError:
            # dateutil walks past year 9999 on a rule that never matches again: no more starts.
            break
        if t > hi:
            break
        if t >= lo and t.date() not in exdays:
            out.append(t)
    return out


def expand(case):
    display = ZoneInfo(case["display_tz"])
    rfrom = datetime.fromisoformat(case["from"].replace("Z", "+00:00"))
    rto = datetime.fromisoformat(case["to"].replace("Z", "+00:00"))
    from_local = rfrom.astimezone(display).replace(tzinfo=None)
    to_local = rto.astimezone(display).replace(tzinfo=None)
    events = case["events"]
    occurrences, skipped = [], []

    def overlaps(s, e):
        if s[0] == "date":
            sd, ed = s[1], e[1]
            if ed <= sd:
                ed = sd + timedelta(days=1)
            return datetime.combine(sd, time()) < to_local and datetime.combine(ed, time()) > from_local
        s, e = s[1], max(e[1], s[1])
        return s < rto and (e > rfrom or (e == s and s >= rfrom))

    def emit(eid, s, e, exception):
        if s[0] == "dt":
            # Python compares and subtracts datetimes of one tzinfo on the wall clock: use UTC.
            s, e = ("dt", s[1].astimezone(UTC)), ("dt", e[1].astimezone(UTC))
        if not overlaps(s, e):
            return
        if s[0] == "date":
            item = {"id": eid, "all_day": True, "start": s[1].isoformat(), "end": e[1].isoformat(),
                    "local_start": s[1].isoformat()}
        else:
            item = {"id": eid, "all_day": False, "start": utc_str(s[1]), "end": utc_str(max(e[1], s[1])),
                    "local_start": s[1].astimezone(UTC).astimezone(display).strftime("%Y-%m-%dT%H:%M:%S")}
        item["is_exception"] = exception
        occurrences.append(item)

    masters = {e["id"]: e for e in events if e.get("recurrence")}
    replaced = {}
    for ev in events:
        mid = ev.get("recurringEventId")
        if not mid or ev.get("recurrence"):
            continue
        if mid in masters and masters[mid].get("status") == "cancelled":
            continue
        try:
            k, v = parse_time(ev.get("originalStartTime"))
            replaced.setdefault(mid, set()).add(utc_str(v) if k == "dt" else v.isoformat())
            if ev.get("status") == "cancelled":
                continue
            emit(ev["id"], parse_time(ev.get("start")), parse_time(ev.get("end")), True)
        except Skip:
            skipped.append(ev["id"])

    for ev in events:
        if ev.get("recurringEventId") and not ev.get("recurrence") or ev.get("status") == "cancelled":
            continue
        try:
            s, e = parse_time(ev.get("start")), parse_time(ev.get("end"))
            if not ev.get("recurrence"):
                emit(ev["id"], s, e, False)
                continue
            gone = replaced.get(ev["id"], set())
            if s[0] == "date":
                days = max((e[1] - s[1]).days, 1)
                lo = datetime.combine(from_local.date() - timedelta(days=days + 1), time())
                hi = datetime.combine(to_local.date() + timedelta(days=2), time())
                for t in master_starts(ev, s, lo, hi):
                    d = t.date()
                    if d.isoformat() in gone:
                        continue
                    emit(f"{ev['id']}_{d.strftime('%Y%m%d')}", ("date", d), ("date", d + timedelta(days=days)), False)
            else:
                # The exact (elapsed) duration applies to every instance (RFC 5545 §3.8.2.2);
                # subtracting in UTC, as Python's same-zone subtraction is wall-clock.
                length = max(e[1].astimezone(UTC) - s[1].astimezone(UTC), timedelta(0))
                lo = rfrom - length - timedelta(days=2)
                hi = rto + timedelta(days=2)
                for t in master_starts(ev, s, lo, hi):
                    key = utc_str(t)
                    if key in gone or t.date().isoformat() in gone:
                        continue
                    u = t.astimezone(UTC)
                    emit(f"{ev['id']}_{u.strftime('%Y%m%dT%H%M%SZ')}", ("dt", t), ("dt", u + length), False)
        except Skip:
            skipped.append(ev["id"])

    occurrences.sort(key=lambda o: o["id"])
    return {"occurrences": occurrences, "skipped": sorted(skipped)}


def main():
    cases, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    for path in sorted(cases.glob("*.json")):
        case = json.loads(path.read_text())
        result = expand(case)
        (out / path.name).write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
        n += 1
    print(f"oracle: wrote {n} expectations to {out}")


if __name__ == "__main__":
    main()
