#!/usr/bin/env python3
"""A seed-style full sync of one emulator account, the baseline of scripts/bench.sh.

Built the way the original Chronos system was: asyncio + httpx, five calendars at once, pages of
2,500, every event sealed with AES-256-GCM and upserted into SQLite one page per transaction, the
sync token written with the last page. It is deliberately plain: its CPU, wall time and peak RSS
are what Chronos is measured against, so it must not be cleverer than that design was.
"""

import argparse
import asyncio
import json
import os
import sqlite3
import sys
from urllib.parse import quote

import httpx
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

CONCURRENT_CALENDARS = 5
PAGE_SIZE = 2500


def open_db(path):
    # Autocommit mode: each page's transaction is opened and closed explicitly below.
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(
        "CREATE TABLE IF NOT EXISTS events ("
        " cal TEXT NOT NULL, id TEXT NOT NULL, etag TEXT, updated TEXT, blob BLOB NOT NULL,"
        " PRIMARY KEY (cal, id))"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS sync_tokens (cal TEXT PRIMARY KEY, token TEXT NOT NULL)"
    )
    return db


def seal(aead, cal, item):
    nonce = os.urandom(12)
    aad = (cal + "\0" + item["id"]).encode()
    return nonce + aead.encrypt(nonce, json.dumps(item).encode(), aad)


def write_page(db, aead, cal, items, sync_token):
    rows = [
        (cal, it["id"], it.get("etag"), it.get("updated"), seal(aead, cal, it))
        for it in items
    ]
    db.execute("BEGIN")
    try:
        db.executemany(
            "INSERT OR REPLACE INTO events (cal, id, etag, updated, blob) VALUES (?, ?, ?, ?, ?)",
            rows,
        )
        if sync_token is not None:
            db.execute(
                "INSERT OR REPLACE INTO sync_tokens (cal, token) VALUES (?, ?)",
                (cal, sync_token),
            )
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


async def get_json(client, url, params=None):
    r = await client.get(url, params=params)
    if r.status_code != 200:
        raise RuntimeError(f"GET {url} answered {r.status_code}: {r.text[:300]}")
    return r.json()


async def sync_calendar(client, api, db, aead, sem, cal):
    async with sem:
        url = f"{api}/calendars/{quote(cal, safe='')}/events"
        page_token = None
        events = 0
        while True:
            params = {
                "maxResults": PAGE_SIZE,
                "showDeleted": "true",
                "singleEvents": "false",
            }
            if page_token:
                params["pageToken"] = page_token
            page = await get_json(client, url, params)
            items = page.get("items", [])
            page_token = page.get("nextPageToken")
            write_page(db, aead, cal, items, None if page_token else page.get("nextSyncToken"))
            events += len(items)
            if not page_token:
                return events


async def run(base_url, account, db_path):
    base_url = base_url.rstrip("/")
    api = f"{base_url}/calendar/v3"
    db = open_db(db_path)
    aead = AESGCM(AESGCM.generate_key(bit_length=256))
    async with httpx.AsyncClient(timeout=120) as client:
        r = await client.post(f"{base_url}/__emulator/accounts/{quote(account, safe='')}/tokens")
        if r.status_code != 200:
            raise RuntimeError(f"the emulator minted no token for {account}: {r.status_code} {r.text[:300]}")
        client.headers["Authorization"] = "Bearer " + r.json()["access_token"]
        calendars = []
        page_token = None
        # calendarList.list: one listing (it follows pages only if the server splits it).
        while True:
            params = {"pageToken": page_token} if page_token else None
            page = await get_json(client, f"{api}/users/me/calendarList", params)
            calendars += [c["id"] for c in page.get("items", [])]
            page_token = page.get("nextPageToken")
            if not page_token:
                break
        sem = asyncio.Semaphore(CONCURRENT_CALENDARS)
        counts = await asyncio.gather(
            *(sync_calendar(client, api, db, aead, sem, cal) for cal in calendars)
        )
    db.close()
    return len(calendars), sum(counts)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--base-url", required=True, help="the emulator, e.g. http://127.0.0.1:8089")
    p.add_argument("--account", required=True, help="the account's email in the emulator's world")
    p.add_argument("--db", required=True, help="the SQLite file to write (created if missing)")
    a = p.parse_args()
    try:
        calendars, events = asyncio.run(run(a.base_url, a.account, a.db))
    except Exception as e:  # one clear line for the script that runs us
        print(f"reference client: {e}", file=sys.stderr)
        sys.exit(1)
    print(f"reference: {events} events from {calendars} calendars")


if __name__ == "__main__":
    main()
