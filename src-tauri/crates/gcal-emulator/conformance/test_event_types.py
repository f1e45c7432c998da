"""google-api-python-client against the emulator's event types: each type's rules, the
eventTypes filter of list and watch, calendar labels and the conference createRequest flow."""

import json
import uuid
from urllib.parse import quote

import pytest
import requests
from googleapiclient.errors import HttpError


@pytest.fixture(scope="session")
def primary(control, account):
    accounts = requests.get(control + "/accounts", timeout=10).json()
    return next(a for a in accounts if a["email"] == account)["primaryCalendar"]


def restricted(call):
    with pytest.raises(HttpError) as err:
        call.execute()
    body = json.loads(err.value.content)["error"]
    assert err.value.resp.status == 400
    assert body["errors"][0]["reason"] == "eventTypeRestriction", body
    assert body["errors"][0]["domain"] == "calendar"


def focus_time(day=3):
    return {
        "eventType": "focusTime",
        "summary": "Focus",
        "start": {"dateTime": f"2027-02-{day:02d}T09:00:00+01:00", "timeZone": "Europe/Berlin"},
        "end": {"dateTime": f"2027-02-{day:02d}T11:00:00+01:00", "timeZone": "Europe/Berlin"},
        "focusTimeProperties": {"autoDeclineMode": "declineOnlyNewConflictingInvitations", "chatStatus": "doNotDisturb"},
    }


def out_of_office():
    return {
        "eventType": "outOfOffice",
        "summary": "Away",
        "start": {"dateTime": "2027-02-08T00:00:00+01:00"},
        "end": {"dateTime": "2027-02-13T00:00:00+01:00"},
        "outOfOfficeProperties": {"autoDeclineMode": "declineAllConflictingInvitations", "declineMessage": "Away"},
    }


def working_location(day="2027-02-04"):
    return {
        "eventType": "workingLocation",
        "summary": "Home",
        "start": {"date": day},
        "end": {"date": day[:-2] + f"{int(day[-2:]) + 1:02d}"},
        "workingLocationProperties": {"type": "homeOffice", "homeOffice": {}},
    }


def birthday(day="2027-02-10"):
    return {
        "eventType": "birthday",
        "summary": "Ada",
        "start": {"date": day},
        "end": {"date": day[:-2] + f"{int(day[-2:]) + 1:02d}"},
        "recurrence": ["RRULE:FREQ=YEARLY"],
        "visibility": "private",
        "transparency": "transparent",
    }


def gmail_flight():
    return {
        "eventType": "fromGmail",
        "summary": "Flight to Lisbon",
        "location": "BER",
        "start": {"dateTime": "2027-02-06T08:15:00+01:00"},
        "end": {"dateTime": "2027-02-06T11:40:00+01:00"},
    }


def control_insert(control, cal, body):
    r = requests.post(f"{control}/calendars/{quote(cal, safe='')}/events", json=body, timeout=10)
    r.raise_for_status()
    return r.json()


def test_focus_time_and_out_of_office_are_timed_and_opaque(service, primary):
    events = service.events()
    for body, props in [(focus_time(), "focusTimeProperties"), (out_of_office(), "outOfOfficeProperties")]:
        made = events.insert(calendarId=primary, body=body).execute()
        assert made["eventType"] == body["eventType"]
        assert made["transparency"] == "opaque"
        assert made[props] == body[props]
        all_day = dict(body, start={"date": "2027-02-15"}, end={"date": "2027-02-16"})
        restricted(events.insert(calendarId=primary, body=all_day))
        without = {k: v for k, v in body.items() if k != props}
        with pytest.raises(HttpError) as err:
            events.insert(calendarId=primary, body=without).execute()
        assert err.value.resp.status == 400


def test_primary_only_types_on_a_secondary_calendar(service, calendar):
    for body in [focus_time(), out_of_office(), working_location()]:
        restricted(service.events().insert(calendarId=calendar, body=body))


def test_working_location_defaults(service, primary):
    made = service.events().insert(calendarId=primary, body=working_location()).execute()
    assert (made["visibility"], made["transparency"]) == ("public", "transparent")
    two_days = dict(working_location(), end={"date": "2027-02-06"})
    restricted(service.events().insert(calendarId=primary, body=two_days))


def test_birthday_creation_and_updates(service, calendar):
    events = service.events()
    made = events.insert(calendarId=calendar, body=birthday()).execute()
    assert made["birthdayProperties"]["type"] == "birthday"
    restricted(events.insert(calendarId=calendar, body=dict(birthday(), birthdayProperties={"type": "anniversary"})))
    renamed = events.patch(calendarId=calendar, eventId=made["id"], body={"summary": "Ada L."}).execute()
    assert renamed["summary"] == "Ada L."
    restricted(events.patch(calendarId=calendar, eventId=made["id"], body={"description": "cake"}))


def test_from_gmail_is_not_created_by_clients_and_keeps_its_details(service, primary, control):
    events = service.events()
    restricted(events.insert(calendarId=primary, body=gmail_flight()))
    made = control_insert(control, primary, gmail_flight())
    assert made["eventType"] == "fromGmail"
    coloured = events.patch(calendarId=primary, eventId=made["id"], body={"colorId": "5", "visibility": "private"}).execute()
    assert coloured["colorId"] == "5"
    restricted(events.patch(calendarId=primary, eventId=made["id"], body={"summary": "Renamed"}))


def test_only_default_events_move(service, primary, calendar):
    focus = service.events().insert(calendarId=primary, body=focus_time(day=17)).execute()
    restricted(service.events().move(calendarId=primary, eventId=focus["id"], destination=calendar))
    plain = service.events().insert(calendarId=primary, body={
        "summary": "plain", "start": {"dateTime": "2027-02-17T14:00:00Z"}, "end": {"dateTime": "2027-02-17T15:00:00Z"}}).execute()
    moved = service.events().move(calendarId=primary, eventId=plain["id"], destination=calendar).execute()
    assert moved["id"] == plain["id"]


def test_event_types_filters_list(service, calendar):
    events = service.events()
    events.insert(calendarId=calendar, body=birthday("2027-03-01")).execute()
    events.insert(calendarId=calendar, body={
        "summary": "plain", "start": {"dateTime": "2027-03-02T09:00:00Z"}, "end": {"dateTime": "2027-03-02T10:00:00Z"}}).execute()
    everything = events.list(calendarId=calendar).execute()["items"]
    assert sorted(e["eventType"] for e in everything) == ["birthday", "default"]
    only = events.list(calendarId=calendar, eventTypes=["birthday", "focusTime"]).execute()["items"]
    assert [e["eventType"] for e in only] == ["birthday"]
    expanded = events.list(
        calendarId=calendar, eventTypes="birthday", singleEvents=True,
        timeMin="2027-01-01T00:00:00Z", timeMax="2030-01-01T00:00:00Z").execute()["items"]
    assert len(expanded) == 3


def test_event_types_filters_watch(service, primary, control):
    ids = {}
    for name, types in [("all", None), ("focus", ["focusTime"])]:
        ids[name] = f"conf-{name}-{uuid.uuid4().hex[:8]}"
        kw = {"eventTypes": types} if types else {}
        service.events().watch(calendarId=primary, body={
            "id": ids[name], "type": "web_hook", "address": "http://127.0.0.1:9/hook"}, **kw).execute()

    def messages():
        chans = requests.get(control + "/channels", timeout=10).json()
        by_id = {c["id"]: c["nextMessage"] for c in chans}
        return by_id[ids["all"]], by_id[ids["focus"]]

    before = messages()
    service.events().insert(calendarId=primary, body=working_location("2027-02-18")).execute()
    after_location = messages()
    assert after_location == (before[0] + 1, before[1])
    service.events().insert(calendarId=primary, body=focus_time(day=19)).execute()
    assert messages() == (after_location[0] + 1, after_location[1] + 1)


def test_calendar_labels_and_event_label_id(service, calendar):
    label = str(uuid.uuid4())
    cal = service.calendars().patch(calendarId=calendar, body={
        "labelProperties": {"eventLabels": [{"id": label, "name": "Deep work", "backgroundColor": "#1b5e20"}]}}).execute()
    assert cal["labelProperties"]["eventLabels"][0]["id"] == label
    assert service.calendars().get(calendarId=calendar).execute()["labelProperties"] == cal["labelProperties"]
    body = {"summary": "labelled", "eventLabelId": label, "colorId": "5",
            "start": {"dateTime": "2027-02-20T09:00:00Z"}, "end": {"dateTime": "2027-02-20T10:00:00Z"}}
    ignored = service.events().insert(calendarId=calendar, body=body).execute()
    assert "eventLabelId" not in ignored and ignored["colorId"] == "5"
    made = service.events().insert(calendarId=calendar, body=body, eventLabelVersion=1).execute()
    assert made["eventLabelId"] == label and "colorId" not in made
    assert service.events().get(calendarId=calendar, eventId=made["id"]).execute()["eventLabelId"] == label
    with pytest.raises(HttpError) as err:
        service.events().patch(calendarId=calendar, eventId=made["id"], body={"eventLabelId": str(uuid.uuid4())},
                               eventLabelVersion=1).execute()
    assert err.value.resp.status == 400


def test_conference_create_request_flow(service, calendar, control):
    events = service.events()
    body = {
        "summary": "call",
        "start": {"dateTime": "2027-02-21T09:00:00Z"},
        "end": {"dateTime": "2027-02-21T10:00:00Z"},
        "conferenceData": {"createRequest": {"requestId": uuid.uuid4().hex, "conferenceSolutionKey": {"type": "hangoutsMeet"}}},
    }
    ignored = events.insert(calendarId=calendar, body=body).execute()
    assert "conferenceData" not in ignored
    made = events.insert(calendarId=calendar, body=body, conferenceDataVersion=1).execute()
    assert made["conferenceData"]["createRequest"]["status"]["statusCode"] == "pending"
    assert "hangoutLink" not in made
    r = requests.post(f"{control}/calendars/{quote(calendar, safe='')}/events/{made['id']}/conference", timeout=10)
    r.raise_for_status()
    got = events.get(calendarId=calendar, eventId=made["id"]).execute()
    assert got["conferenceData"]["createRequest"]["status"]["statusCode"] == "success"
    assert got["hangoutLink"].startswith("https://meet.google.com/")
    assert got["conferenceData"]["entryPoints"][0]["uri"] == got["hangoutLink"]
    # A retry with the same requestId keeps the link.
    again = events.patch(calendarId=calendar, eventId=made["id"], body={"conferenceData": body["conferenceData"]},
                         conferenceDataVersion=1).execute()
    assert again["hangoutLink"] == got["hangoutLink"]
