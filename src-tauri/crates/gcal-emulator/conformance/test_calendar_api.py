"""google-api-python-client against the emulator: paging, sync tokens, 410, insert, patch with
If-Match and 412, delete, watch, refresh and invalid_grant."""

import http.server
import threading
import time

import google.auth.exceptions
import google.auth.transport.requests
import pytest
import requests
from googleapiclient.errors import HttpError

from conftest import credentials, mint, service_for


def event(summary, day=26, hour=10):
    return {
        "summary": summary,
        "start": {"dateTime": f"2026-11-{day:02d}T{hour:02d}:00:00+01:00", "timeZone": "Europe/Berlin"},
        "end": {"dateTime": f"2026-11-{day:02d}T{hour + 1:02d}:00:00+01:00", "timeZone": "Europe/Berlin"},
    }


def full_sync(service, cal, **kw):
    items, pages, token = [], 0, None
    while True:
        resp = service.events().list(calendarId=cal, pageToken=token, **kw).execute()
        pages += 1
        items.extend(resp["items"])
        token = resp.get("nextPageToken")
        if not token:
            assert "nextSyncToken" in resp
            return items, resp["nextSyncToken"], pages
        assert "nextSyncToken" not in resp


def error_reason(err):
    import json

    return json.loads(err.content)["error"]["errors"][0]["reason"]


def test_calendar_list(service, calendar):
    resp = service.calendarList().list().execute()
    assert resp["kind"] == "calendar#calendarList"
    assert calendar in [c["id"] for c in resp["items"]]
    assert "nextSyncToken" in resp


def test_paging_and_sync_tokens(service, calendar):
    for n in range(7):
        service.events().insert(calendarId=calendar, body=event(f"e{n}", hour=8 + n)).execute()
    items, sync, pages = full_sync(service, calendar, maxResults=3)
    assert (len(items), pages) == (7, 3)

    # The library's own paging helper follows nextPageToken too.
    req = service.events().list(calendarId=calendar, maxResults=2)
    seen = 0
    while req is not None:
        resp = req.execute()
        seen += len(resp["items"])
        req = service.events().list_next(req, resp)
    assert seen == 7

    nothing = service.events().list(calendarId=calendar, syncToken=sync).execute()
    assert nothing["items"] == [] and nothing["nextSyncToken"]

    changed = service.events().patch(calendarId=calendar, eventId=items[0]["id"], body={"summary": "changed"}).execute()
    service.events().delete(calendarId=calendar, eventId=items[1]["id"]).execute()
    inc, sync2, _ = full_sync(service, calendar, syncToken=sync, maxResults=1)
    by_id = {i["id"]: i for i in inc}
    assert set(by_id) == {items[0]["id"], items[1]["id"]}
    assert by_id[items[0]["id"]]["summary"] == "changed"
    assert by_id[items[0]["id"]]["etag"] == changed["etag"]
    assert by_id[items[1]["id"]]["status"] == "cancelled"
    assert service.events().list(calendarId=calendar, syncToken=sync2).execute()["items"] == []


def test_invalidated_sync_token_is_410(service, calendar, control):
    service.events().insert(calendarId=calendar, body=event("x")).execute()
    _, sync, _ = full_sync(service, calendar)
    requests.post(control + "/sync-tokens/invalidate", json={"calendarId": calendar}, timeout=10).raise_for_status()
    with pytest.raises(HttpError) as e:
        service.events().list(calendarId=calendar, syncToken=sync).execute()
    assert e.value.resp.status == 410
    assert error_reason(e.value) == "fullSyncRequired"


def test_sync_token_with_time_min_is_400(service, calendar):
    _, sync, _ = full_sync(service, calendar)
    with pytest.raises(HttpError) as e:
        service.events().list(calendarId=calendar, syncToken=sync, timeMin="2026-01-01T00:00:00Z").execute()
    assert e.value.resp.status == 400


def test_insert_with_client_id_and_duplicate(service, calendar):
    body = event("mine")
    body["id"] = "conf0123456789abcdef"
    created = service.events().insert(calendarId=calendar, body=body).execute()
    assert created["id"] == body["id"] and created["etag"]
    with pytest.raises(HttpError) as e:
        service.events().insert(calendarId=calendar, body=body).execute()
    assert e.value.resp.status == 409
    assert error_reason(e.value) == "duplicate"


def test_patch_with_if_match_and_412(service, calendar):
    created = service.events().insert(calendarId=calendar, body=event("v1")).execute()
    req = service.events().patch(calendarId=calendar, eventId=created["id"], body={"summary": "v2"})
    req.headers["If-Match"] = created["etag"]
    patched = req.execute()
    assert patched["summary"] == "v2" and patched["etag"] != created["etag"]
    stale = service.events().patch(calendarId=calendar, eventId=created["id"], body={"summary": "v3"})
    stale.headers["If-Match"] = created["etag"]
    with pytest.raises(HttpError) as e:
        stale.execute()
    assert e.value.resp.status == 412
    assert error_reason(e.value) == "conditionNotMet"
    assert service.events().get(calendarId=calendar, eventId=created["id"]).execute()["summary"] == "v2"


def test_delete_then_get_cancelled_then_410(service, calendar):
    created = service.events().insert(calendarId=calendar, body=event("bye")).execute()
    assert service.events().delete(calendarId=calendar, eventId=created["id"]).execute() == ""
    got = service.events().get(calendarId=calendar, eventId=created["id"]).execute()
    assert got["status"] == "cancelled"
    with pytest.raises(HttpError) as e:
        service.events().delete(calendarId=calendar, eventId=created["id"]).execute()
    assert e.value.resp.status == 410
    assert error_reason(e.value) == "deleted"


class _Hook(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        _Hook.received.append({k.lower(): v for k, v in self.headers.items()})
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_watch_and_stop(service, calendar, control):
    server = http.server.HTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        address = f"http://127.0.0.1:{server.server_port}/hook"
        ch = service.events().watch(
            calendarId=calendar,
            body={"id": "conf-channel-1", "type": "web_hook", "address": address, "token": "t0k", "params": {"ttl": "600"}},
        ).execute()
        assert ch["kind"] == "api#channel" and ch["resourceId"]
        assert int(ch["expiration"]) > time.time() * 1000
        service.events().insert(calendarId=calendar, body=event("ping")).execute()
        deadline = time.time() + 5
        while len(_Hook.received) < 2 and time.time() < deadline:
            time.sleep(0.05)
        states = [h["x-goog-resource-state"] for h in _Hook.received]
        assert states[:2] == ["sync", "exists"]
        assert [h["x-goog-message-number"] for h in _Hook.received[:2]] == ["1", "2"]
        assert _Hook.received[0]["x-goog-channel-token"] == "t0k"
        assert service.channels().stop(body={"id": ch["id"], "resourceId": ch["resourceId"]}).execute() == ""
    finally:
        server.shutdown()


def test_refresh_after_expiry_and_invalid_grant(base_url, control, account, calendar):
    tokens = mint(control, account)
    creds = credentials(base_url, tokens)
    service = service_for(base_url, creds)
    service.events().list(calendarId=calendar).execute()
    requests.post(control + "/tokens/expire", json={"account": account}, timeout=10).raise_for_status()
    # The 401 makes the library refresh against /token and retry.
    service.events().list(calendarId=calendar).execute()
    assert creds.token != tokens["access_token"]

    creds.refresh(google.auth.transport.requests.Request())
    assert creds.valid

    requests.post(control + "/tokens/revoke", json={"account": account}, timeout=10).raise_for_status()
    with pytest.raises(google.auth.exceptions.RefreshError) as e:
        creds.refresh(google.auth.transport.requests.Request())
    assert "invalid_grant" in str(e.value)


def test_unknown_token_is_401(base_url, calendar):
    import httplib2
    from googleapiclient.discovery import build

    # A plain transport that does not refresh, so the 401 reaches the caller.
    service = build(
        "calendar", "v3", http=httplib2.Http(), static_discovery=True, cache_discovery=False,
        client_options={"api_endpoint": base_url + "/calendar/v3/"},
    )
    req = service.events().list(calendarId=calendar)
    req.headers["Authorization"] = "Bearer not-a-token"
    with pytest.raises(HttpError) as e:
        req.execute()
    assert e.value.resp.status == 401
    assert error_reason(e.value) == "authError"
