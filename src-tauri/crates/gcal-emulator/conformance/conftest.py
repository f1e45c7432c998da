"""Fixtures: the running emulator (EMULATOR_URL), tokens minted through its control API, and a
Calendar API client built by google-api-python-client from its bundled discovery document."""

import os
import uuid

import google.oauth2.credentials
import pytest
import requests
from googleapiclient.discovery import build

CLIENT_ID = "chronos-demo.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-chronos-demo-secret"


@pytest.fixture(scope="session")
def base_url():
    url = os.environ.get("EMULATOR_URL")
    if not url:
        pytest.fail("EMULATOR_URL is not set; run conformance/run.sh")
    return url.rstrip("/")


@pytest.fixture(scope="session")
def control(base_url):
    return base_url + "/__emulator"


@pytest.fixture(scope="session")
def account(control):
    accounts = requests.get(control + "/accounts", timeout=10).json()
    return accounts[0]["email"]


def mint(control, account):
    r = requests.post(f"{control}/accounts/{account}/tokens", timeout=10)
    r.raise_for_status()
    return r.json()


def credentials(base_url, tokens):
    return google.oauth2.credentials.Credentials(
        token=tokens["access_token"],
        refresh_token=tokens.get("refresh_token"),
        token_uri=base_url + "/token",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
    )


def service_for(base_url, creds):
    return build(
        "calendar",
        "v3",
        credentials=creds,
        static_discovery=True,
        cache_discovery=False,
        client_options={"api_endpoint": base_url + "/calendar/v3/"},
    )


@pytest.fixture
def tokens(control, account):
    return mint(control, account)


@pytest.fixture
def creds(base_url, tokens):
    return credentials(base_url, tokens)


@pytest.fixture
def service(base_url, creds):
    return service_for(base_url, creds)


@pytest.fixture
def calendar(control, account):
    """A fresh, empty calendar for one test."""
    cal_id = f"conf-{uuid.uuid4().hex[:12]}@group.calendar.google.com"
    r = requests.post(
        f"{control}/accounts/{account}/calendars",
        json={"id": cal_id, "summary": "Conformance", "timeZone": "Europe/Berlin"},
        timeout=10,
    )
    r.raise_for_status()
    return cal_id
