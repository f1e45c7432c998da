#!/usr/bin/env python3
"""Writes N pseudo-random recurrence cases (same format as cases/) for a differential run
against the oracle. Deterministic for a given seed.

Left out on purpose, where Chronos documents a different choice than dateutil:
BYHOUR/BYMINUTE on all-day series (Chronos keeps one occurrence per day), sub-daily
frequencies outside UTC (Chronos keeps one occurrence per instant in DST gaps), and WEEKLY with
BYSETPOS when DTSTART is not on the week start (dateutil issue #1398: dateutil counts the first
week from DTSTART; RFC 5545 and Chronos count the whole week).

Two python-dateutil 2.9 errors with BYWEEKNO are steered around (Chronos follows RFC 5545):
BYWEEKNO=52/53 is misjudged for the first days of January that belong to the previous year's last
week (dateutil takes that year to have 53 weeks in some years where it has 52; dateutil PR #1537),
so rules with 52/53 get a BYMONTH without January; BYWEEKNO=-52/-53 never matches the late
December days of the next year's week 1 (a TODO in dateutil's rrule), so rules with them get a
BYMONTH without December. Frequencies other than YEARLY, whose periods can cross New Year,
get neither.

Usage: random_cases.py SEED N OUT_DIR
"""

import json
import random
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Auckland", "America/Los_Angeles",
         "Australia/Lord_Howe", "Asia/Tokyo", "UTC", "Europe/London", "America/Sao_Paulo"]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def rule(rnd, all_day, zone):
    freqs = ["YEARLY", "MONTHLY", "WEEKLY", "DAILY"]
    if zone == "UTC" and not all_day:
        freqs += ["HOURLY"]
    freq = rnd.choice(freqs)
    parts = [f"FREQ={freq}"]
    if rnd.random() < 0.4:
        parts.append(f"INTERVAL={rnd.randint(2, 5)}")
    end = rnd.random()
    if end < 0.35:
        parts.append(f"COUNT={rnd.randint(1, 60)}")
    elif end < 0.6:
        u = date(2026, 1, 1) + timedelta(days=rnd.randint(-400, 700))
        if all_day or rnd.random() < 0.3:
            parts.append(f"UNTIL={u.strftime('%Y%m%d')}")
        else:
            parts.append(f"UNTIL={u.strftime('%Y%m%d')}T{rnd.randint(0, 23):02d}{rnd.choice([0, 30, 59]):02d}00Z")
    # BYWEEKNO belongs to YEARLY (RFC 5545); other frequencies get it rarely, as a day filter.
    # Rules with it get fewer other day filters, which mostly leave a numbered week empty.
    weekno = rnd.random() < (0.5 if freq == "YEARLY" else 0.04)
    if rnd.random() < 0.5:
        days = rnd.sample(DAYS, rnd.randint(1, 3))
        if freq in ("MONTHLY", "YEARLY") and rnd.random() < (0.15 if weekno else 0.5):
            days = [f"{rnd.choice([1, 2, 3, 4, -1, -2])}{d}" for d in days]
        parts.append("BYDAY=" + ",".join(days))
    if rnd.random() < (0.1 if weekno else 0.3):
        parts.append("BYMONTHDAY=" + ",".join(str(x) for x in rnd.sample([1, 2, 13, 15, 28, 29, 30, 31, -1, -2, -10], rnd.randint(1, 3))))
    if rnd.random() < (0.1 if weekno else 0.25):
        parts.append("BYMONTH=" + ",".join(str(x) for x in sorted(rnd.sample(range(1, 13), rnd.randint(1, 4)))))
    if rnd.random() < (0.05 if weekno else 0.1):
        parts.append("BYYEARDAY=" + ",".join(str(x) for x in rnd.sample([1, 32, 60, 100, 200, 365, -1, -30], 2)))
    if weekno:
        weeks = [1, 1, 2, 9, 20, 26, 35, 51, -1, -1, -2, -10]
        if freq == "YEARLY":
            weeks += [52, 53, 53, -52, -53]
        weeks = rnd.sample(weeks, rnd.randint(1, 3))
        # python-dateutil 2.9 misjudges two kinds of straddling weeks (see the module
        # docstring). YEARLY rules with such weeks are kept to the months where it is right;
        # other frequencies (whose periods can cross New Year) do without ±52/±53.
        months = [p for p in parts if p.startswith("BYMONTH=")]
        if any(w in (52, 53) for w in weeks):
            weeks = [w for w in weeks if w not in (-52, -53)]
            keep = 12
        elif any(w in (-52, -53) for w in weeks):
            keep = 1
        else:
            keep = None
        if keep is not None:
            for p in months:
                parts.remove(p)
            others = rnd.sample(range(2, 12), rnd.randint(0, 2))
            parts.append("BYMONTH=" + ",".join(str(m) for m in sorted(set(others + [keep]))))
        parts.append("BYWEEKNO=" + ",".join(str(w) for w in sorted(set(weeks))))
    if rnd.random() < 0.2 and freq in ("YEARLY", "MONTHLY", "WEEKLY"):
        parts.append("BYSETPOS=" + ",".join(str(x) for x in rnd.sample([1, 2, 3, -1, -2], rnd.randint(1, 2))))
    if not all_day and freq != "HOURLY" and rnd.random() < 0.15:
        parts.append("BYHOUR=" + ",".join(str(x) for x in sorted(rnd.sample(range(24), 2))))
        if rnd.random() < 0.5:
            parts.append("BYMINUTE=0,30")
    if rnd.random() < 0.2:
        parts.append("WKST=" + rnd.choice(DAYS))
    return ";".join(parts)


def case(rnd, i):
    all_day = rnd.random() < 0.25
    zone = rnd.choice(ZONES)
    start_day = date(2024, 1, 1) + timedelta(days=rnd.randint(0, 1000))
    hour, minute = rnd.randint(0, 23), rnd.choice([0, 15, 30, 45])
    length = timedelta(minutes=rnd.choice([0, 30, 60, 90, 600, 1500, 3000]))
    text = rule(rnd, all_day, zone)
    if "FREQ=WEEKLY" in text and "BYSETPOS" in text:
        # dateutil applies BYSETPOS to the first week counted from DTSTART, not from the week's
        # start (dateutil issue #1398); Chronos follows RFC 5545. Agree on the week start.
        text = ";".join(p for p in text.split(";") if not p.startswith("WKST="))
        text += ";WKST=" + DAYS[start_day.weekday()]
    lines = [f"RRULE:{text}"]
    if all_day:
        days = rnd.choice([1, 1, 1, 2, 3])
        start = {"date": start_day.isoformat()}
        end = {"date": (start_day + timedelta(days=days)).isoformat()}
    else:
        wall = datetime.combine(start_day, datetime.min.time()).replace(hour=hour, minute=minute)
        start = {"dateTime": wall.isoformat(), "timeZone": zone}
        end = {"dateTime": (wall + length).isoformat(), "timeZone": zone}
    near = lambda: start_day + timedelta(days=rnd.randint(0, 120))
    if rnd.random() < 0.3:
        d = near()
        if all_day:
            lines.append(f"EXDATE;VALUE=DATE:{d.strftime('%Y%m%d')}")
        else:
            lines.append(f"EXDATE;TZID={zone}:{d.strftime('%Y%m%d')}T{hour:02d}{minute:02d}00")
    if rnd.random() < 0.2:
        d = near()
        if all_day:
            lines.append(f"RDATE;VALUE=DATE:{d.strftime('%Y%m%d')}")
        else:
            lines.append(f"RDATE;TZID={rnd.choice(ZONES)}:{d.strftime('%Y%m%d')}T{rnd.randint(0, 23):02d}0000")
    if rnd.random() < 0.1:
        lines.append("EXRULE:FREQ=WEEKLY;BYDAY=" + ",".join(rnd.sample(DAYS, 2)))
    events = [{"id": f"r{i}", "status": "confirmed", "start": start, "end": end, "recurrence": lines}]
    for j in range(rnd.choice([0, 0, 1, 2])):
        d = near()
        if all_day:
            orig = {"date": d.isoformat()}
            moved = {"date": (d + timedelta(days=1)).isoformat()}
            moved_end = {"date": (d + timedelta(days=2)).isoformat()}
        else:
            w = datetime.combine(d, datetime.min.time()).replace(hour=hour, minute=minute)
            orig = {"dateTime": w.isoformat(), "timeZone": zone}
            moved = {"dateTime": (w + timedelta(hours=5)).isoformat(), "timeZone": zone}
            moved_end = {"dateTime": (w + timedelta(hours=6)).isoformat(), "timeZone": zone}
        ex = {"id": f"r{i}x{j}", "recurringEventId": f"r{i}", "originalStartTime": orig}
        if rnd.random() < 0.5:
            ex["status"] = "cancelled"
        else:
            ex.update({"status": "confirmed", "start": moved, "end": moved_end})
        events.append(ex)
    frm = datetime.combine(start_day, datetime.min.time()) + timedelta(days=rnd.randint(-30, 150), hours=rnd.randint(0, 23))
    # A numbered week comes once a year: give such rules windows of years, not weeks.
    spans = [200, 400, 800, 1500] if "BYWEEKNO" in text else [1, 7, 31, 42, 200]
    to = frm + timedelta(days=rnd.choice(spans))
    return {"name": f"random_{i:04d}", "about": "generated", "display_tz": rnd.choice(ZONES),
            "from": frm.strftime("%Y-%m-%dT%H:00:00Z"), "to": to.strftime("%Y-%m-%dT%H:00:00Z"), "events": events}


def main():
    seed, n, out = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    out.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(seed)
    for i in range(n):
        (out / f"random_{i:04d}.json").write_text(json.dumps(case(rnd, i), indent=1) + "\n")
    print(f"random_cases: wrote {n} cases (seed {seed}) to {out}")


if __name__ == "__main__":
    main()
