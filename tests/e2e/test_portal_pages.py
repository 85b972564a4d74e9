"""The reference portal's own pages over HTTP, without a hub: a package whose registration has closed,
the checks of a tax return, and an export that holds the administrator's user ID."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from contextlib import closing

import pytest
from servers import PortalFailed, sign_in_locally
from test_portal_receiver import SINAR

from export_rows import password_of


def csrf(text: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text).group(1)


def package_row(home: str, code: str) -> str:
    match = re.search(rf"<tr>\s*<td>{re.escape(code)}</td>.*?</tr>", home, re.S)
    assert match, f"{code} not listed:\n{home}"
    return match.group(0)


def test_a_package_whose_closing_date_has_passed_shows_closed_and_takes_no_registration(launch_portal):
    portal = launch_portal("lkpp", accounts=[SINAR])
    browser, signed_in = sign_in_locally(portal, "SINAR", password_of(SINAR))
    with browser:
        browser.headers["Accept-Language"] = "en"
        assert signed_in.url == portal.url + "/beranda/"
        home = browser.get(portal.url + "/", timeout=10).text
        code = re.search(r"<td>(LKPP-\d{4}-001)</td>", home).group(1)
        assert "registration open" in package_row(home, code)
        # Published open; its closing date then passes (two days back: any time zone has left it behind).
        with closing(sqlite3.connect(portal.database_path, timeout=20)) as db, db:
            passed = (dt.date.today() - dt.timedelta(days=2)).isoformat()
            db.execute(
                "UPDATE portal_tenders_package SET registration_closes = ? WHERE code = ?", (passed, code)
            )
        row = package_row(browser.get(portal.url + "/", timeout=10).text, code)
        assert "registration closed" in row and "registration open" not in row
        detail = browser.get(f"{portal.url}/paket/{code}/", timeout=10)
        assert "registration closed" in detail.text and "Register for this package" not in detail.text
        refused = browser.post(
            f"{portal.url}/paket/{code}/daftar/",
            data={"csrfmiddlewaretoken": csrf(detail.text)},
            headers={"Referer": detail.url},
            timeout=10,
        )
        assert f"Registration for package {code} is closed." in refused.text
        assert re.search(r'id="participants">0<', refused.text)


def test_a_tax_return_is_filed_after_its_tax_year_ends(launch_portal):
    portal = launch_portal("lkpp", accounts=[SINAR])
    year = dt.date.today().year - 2  # ended well before today, in any time zone
    browser, _ = sign_in_locally(portal, "SINAR", password_of(SINAR))
    with browser:
        browser.headers["Accept-Language"] = "en"
        form_url = portal.url + "/kualifikasi/pajak/tambah/"

        def file(filed_on: dt.date):
            form = browser.get(form_url, timeout=10)
            data = {
                "csrfmiddlewaretoken": csrf(form.text),
                "year": str(year),
                "receipt_number": f"BPE-{filed_on.isoformat()}",
                "filed_on": filed_on.isoformat(),
            }
            return browser.post(form_url, data=data, headers={"Referer": form_url}, timeout=10)

        during = file(dt.date(year, 12, 31))
        assert during.url == form_url
        assert f"an annual return is filed after its tax year ends, in {year + 1} or later" in during.text
        after = file(dt.date(year + 1, 1, 1))
        assert after.url == portal.url + "/kualifikasi/", after.text
        assert f"BPE-{year + 1}-01-01" in after.text and f"BPE-{year}-12-31" not in after.text


def test_a_vendor_account_with_the_administrators_user_id_is_neither_made_staff_nor_reset(launch_portal):
    with pytest.raises(PortalFailed) as failed:
        launch_portal(
            "lkpp", accounts=[SINAR, {**SINAR, "user_id": "admin_lkpp", "npwp": "09.111.222.3-444.000"}]
        )
    message = str(failed.value)
    assert "the account admin_lkpp here is a vendor's, not the LPSE administrator's" in message
    assert "Traceback" not in message
