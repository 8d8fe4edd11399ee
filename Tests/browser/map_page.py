#!/usr/bin/env python3
"""The map page in a real browser (headless Chromium through chromedriver and Selenium).

Run by Tests/EPlanTests/MapPageBrowserTests.swift against a running `eplan serve`:
log in, count the pins drawn, open a popup, pin a project inside its LAO by clicking,
try a point outside (the refusal must be shown and Save stay disabled), pin a road by
two clicks, check typed coordinates, switch to English, and save screenshots. Prints one JSON object on its last line; exits 1 with the reason on failure.
"""
import argparse
import json
import os
import shutil
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

WAIT = 30  # seconds: a bound for a stuck page, not a speed requirement


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
    for arg in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,900", "--lang=th", "--no-first-run", "--disable-extensions"]:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # The Debian chromedriver, named explicitly: Selenium Manager must not download one.
    return webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver")), options=options)


def wait_for(driver, what, check):
    try:
        return WebDriverWait(driver, WAIT).until(lambda d: check(d))
    except Exception:
        raise AssertionError("timed out waiting for " + what + "; verdict: "
                             + driver.find_element(By.ID, "verdict").text + "; notice: " + driver.find_element(By.ID, "notice").text)


def pins(driver):
    return len(driver.find_elements(By.CSS_SELECTOR, "#map path.pin"))


def click_map_at(driver, lat, lon):
    """A real mouse click where the map draws (lat, lon)."""
    x, y = driver.execute_script("var p = window.eplanMap.latLngToContainerPoint([arguments[0], arguments[1]]); return [p.x, p.y];", lat, lon)
    click_map_point(driver, x, y)


def click_map_point(driver, x, y):
    el = driver.find_element(By.ID, "map")
    size = el.size
    ActionChains(driver).move_to_element_with_offset(el, int(x - size["width"] / 2), int(y - size["height"] / 2)).click().perform()


def outcome(driver):
    return driver.find_element(By.ID, "verdict").get_attribute("data-outcome")


def run_without_leaflet(a, d):
    """The server has no libjs-leaflet: the page must say so, not show a blank map."""
    d.get(a.base + "/")
    wait_for(d, "the notice", lambda d: d.find_element(By.ID, "notice").is_displayed())
    d.save_screenshot(os.path.join(a.out, "map-no-leaflet.png"))
    return {"notice": d.find_element(By.ID, "notice").text}


def run(a, d):
    report = {}
    d.get(a.base + "/")
    wait_for(d, "the login form", lambda d: d.find_element(By.ID, "login-form").is_displayed())
    report["lang"] = d.execute_script("return document.documentElement.lang")
    report["title"] = d.find_element(By.ID, "title").text
    d.find_element(By.ID, "name").send_keys(a.user)
    d.find_element(By.ID, "password").send_keys(a.password)
    d.find_element(By.ID, "login-submit").click()
    wait_for(d, "the map with %d pins" % a.expect_pins,
             lambda d: d.find_element(By.ID, "app").is_displayed() and pins(d) == a.expect_pins)
    report["pins_after_login"] = pins(d)
    report["unpinned_listed"] = [li.text for li in d.find_elements(By.CSS_SELECTOR, "#unpinned li")]
    report["options"] = [o.text for o in d.find_elements(By.CSS_SELECTOR, "#project option")]
    report["legend"] = [li.text for li in d.find_elements(By.CSS_SELECTOR, "#legend li")]
    report["injected_element"] = d.execute_script("return document.getElementById('xss') !== null")
    d.save_screenshot(os.path.join(a.out, "map-after-login.png"))

    # A popup of the pinned project, with its budget attributes.
    # A real click on the middle of the pinned road (its box's centre is on the line).
    ActionChains(d).move_to_element(d.find_element(By.CSS_SELECTOR, "#map path.pin")).click().perform()
    wait_for(d, "a popup", lambda d: d.find_elements(By.CSS_SELECTOR, ".leaflet-popup-content .popup"))
    report["popup"] = d.find_element(By.CSS_SELECTOR, ".leaflet-popup-content").text
    d.save_screenshot(os.path.join(a.out, "map-popup.png"))
    d.execute_script("window.eplanMap.closePopup()")

    # Pin inside: a click, the dry run's verdict, then Save.
    Select(d.find_element(By.ID, "project")).select_by_value(a.project)
    lat, lon = [float(v) for v in a.inside.split(",")]
    click_map_at(d, lat, lon)
    wait_for(d, "the inside verdict", lambda d: outcome(d) == "inside")
    report["inside_verdict"] = d.find_element(By.ID, "verdict").text
    d.find_element(By.ID, "save").click()
    wait_for(d, "saved", lambda d: outcome(d) == "saved")
    report["saved_verdict"] = d.find_element(By.ID, "verdict").text
    wait_for(d, "one more pin", lambda d: pins(d) == a.expect_pins + 1)
    report["pins_after_save"] = pins(d)
    report["unpinned_after_save"] = len(d.find_elements(By.CSS_SELECTOR, "#unpinned li"))

    # A point outside: near the map's bottom-left corner, beyond the LAO's box.
    Select(d.find_element(By.ID, "project")).select_by_value(a.project)
    height = d.find_element(By.ID, "map").size["height"]
    click_map_point(d, 12, height - 12)
    wait_for(d, "the refusal", lambda d: outcome(d) == "refused")
    report["refused_verdict"] = d.find_element(By.ID, "verdict").text
    report["save_disabled_after_refusal"] = not d.find_element(By.ID, "save").is_enabled()
    d.save_screenshot(os.path.join(a.out, "map-refused.png"))

    # A road by clicks: the first point asks for another, the second gets the verdict; saved.
    Select(d.find_element(By.ID, "project")).select_by_value(a.line_project)
    report["line_mode"] = d.find_element(By.CSS_SELECTOR, "input[name=mode]:checked").get_attribute("value")
    first, second = [[float(v) for v in p.split(",")] for p in a.line.split(";")]
    click_map_at(d, *first)
    wait_for(d, "the ask for a second point", lambda d: outcome(d) == "" and d.find_element(By.ID, "verdict").text)
    report["line_after_one_click"] = d.find_element(By.ID, "verdict").text
    click_map_at(d, *second)
    wait_for(d, "the line's verdict", lambda d: outcome(d) == "inside")
    d.find_element(By.ID, "save").click()
    wait_for(d, "the line saved", lambda d: outcome(d) == "saved")
    report["line_saved_verdict"] = d.find_element(By.ID, "verdict").text

    # Typed coordinates in a form of the CLI's (UTM here): checked, not saved.
    Select(d.find_element(By.ID, "project")).select_by_value(a.project)
    d.find_element(By.ID, "typed").send_keys(a.typed)
    d.find_element(By.ID, "check").click()
    wait_for(d, "the typed verdict", lambda d: outcome(d) == "inside")
    report["typed_verdict"] = d.find_element(By.ID, "verdict").text

    d.find_element(By.ID, "lang").click()
    wait_for(d, "English", lambda d: d.find_element(By.ID, "title").text == "Project map")
    report["english_title"] = d.find_element(By.ID, "title").text
    report["english_lang"] = d.execute_script("return document.documentElement.lang")
    d.save_screenshot(os.path.join(a.out, "map-english.png"))

    # Script errors and Content-Security-Policy violations; the refused dry run's 422 is expected.
    report["console_errors"] = [e["message"] for e in d.get_log("browser")
                                if e["level"] == "SEVERE" and "422" not in e["message"]]
    return report


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base", required=True)
    p.add_argument("--user", default="")
    p.add_argument("--password", default="")
    p.add_argument("--project", default="")
    p.add_argument("--inside", default="", help="lat, lon of a point inside the project's LAO")
    p.add_argument("--line-project", default="", help="a road to pin as a line")
    p.add_argument("--line", default="", help="lat, lon;lat, lon: two points inside, away from other pins")
    p.add_argument("--typed", default="", help="a coordinate as typed, inside")
    p.add_argument("--expect-pins", type=int, default=0)
    p.add_argument("--out", required=True, help="folder for the screenshots")
    p.add_argument("--no-leaflet", action="store_true", help="the server has no Leaflet: expect the page to say so")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    d = browser()
    try:
        report = run_without_leaflet(a, d) if a.no_leaflet else run(a, d)
    except Exception as e:  # the reason, and a screenshot of where it stopped
        try:
            d.save_screenshot(os.path.join(a.out, "map-failure.png"))
        except Exception:
            pass
        print("map_page.py: " + type(e).__name__ + ": " + str(e), file=sys.stderr)
        return 1
    finally:
        d.quit()
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
