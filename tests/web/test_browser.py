"""The web chat in a real browser: Debian's chromium, driven by Selenium through Debian's
chromedriver (no browser download at test time). A person picks a language, asks, presses
buttons, books and downloads the .ics, reads Arabic right to left, types markup that stays text,
reloads, asks for help in an emergency; two people never see each other.

Screenshots of de, ar and uk at 360x740 go to tests/web/screenshots/ (not committed)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.web.harness import ChatUnderTest, ThreadedChat

if os.environ.get("CI") == "true":
    from selenium import webdriver  # CI must run these tests, never skip them
else:
    webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = Path(__file__).parent / "screenshots"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=360,740",
)

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    if os.environ.get("CI") == "true":
        raise RuntimeError("CI needs chromium and chromium-driver (apt-get install chromium chromium-driver)")
    pytest.skip("chromium or chromedriver not installed", allow_module_level=True)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ChatUnderTest]:
    chat = ThreadedChat(f"sqlite+aiosqlite:///{tmp_path / 'web.sqlite3'}")
    try:
        yield chat.start()
    finally:
        chat.close()


Browser = Callable[..., WebDriver]


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    drivers: list[WebDriver] = []

    def open_browser(language: str = "de-DE") -> WebDriver:
        profile = tmp_path / f"profile-{len(drivers)}"
        downloads = tmp_path / f"downloads-{len(drivers)}"
        downloads.mkdir()
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in (*FLAGS, f"--user-data-dir={profile}", f"--lang={language}"):
            options.add_argument(flag)
        options.add_experimental_option(
            "prefs",
            {
                "intl.accept_languages": language,
                "download.default_directory": str(downloads),
                "download.prompt_for_download": False,
            },
        )
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride", {"width": 360, "height": 740, "deviceScaleFactor": 1, "mobile": True}
        )
        driver.downloads = downloads
        drivers.append(driver)
        return driver

    yield open_browser
    for driver in drivers:
        driver.quit()


def wait(driver: WebDriver, condition: Callable[[WebDriver], object], timeout: float = 20) -> object:
    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(condition)


def bot_messages(driver: WebDriver) -> list[WebElement]:
    return driver.find_elements(By.CSS_SELECTOR, "#log .msg.from-bot")


def last_bot_text(driver: WebDriver) -> str:
    messages = bot_messages(driver)
    return messages[-1].find_element(By.CSS_SELECTOR, ".text").text if messages else ""


def answered(driver: WebDriver, before: int) -> list[WebElement]:
    """Wait until more bot messages are shown than `before`; the new ones."""
    wait(driver, lambda d: len(bot_messages(d)) > before and d.find_element(By.ID, "send").is_enabled())
    return bot_messages(driver)[before:]


def say(driver: WebDriver, text: str) -> list[WebElement]:
    before = len(bot_messages(driver))
    field = driver.find_element(By.ID, "text")
    field.send_keys(text)
    driver.find_element(By.ID, "send").click()
    return answered(driver, before)


def press(driver: WebDriver, label: str) -> list[WebElement]:
    """Press the newest button whose label contains `label`."""
    before = len(bot_messages(driver))
    buttons = [b for b in driver.find_elements(By.CSS_SELECTOR, "#log button.choice") if label in b.text]
    assert buttons, f"no button {label!r} in {[b.text for b in driver.find_elements(By.CSS_SELECTOR, 'button.choice')]}"
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", buttons[-1])
    buttons[-1].click()
    return answered(driver, before)


def opened(driver: WebDriver, server: ChatUnderTest) -> WebDriver:
    driver.get(server.url + "/")
    wait(driver, lambda d: bot_messages(d))
    return driver


def screenshot(driver: WebDriver, name: str) -> Path:
    """Saved for review (git-ignored); each run overwrites the last one's, so no test process
    clears the folder under another running at the same time."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}-360x740.png"
    assert driver.save_screenshot(str(path))
    return path


def test_pick_a_language_ask_a_question_press_buttons_and_reload(server: ChatUnderTest, browser: Browser) -> None:
    driver = opened(browser("sw"), server)  # not one of the ten: the picker comes first
    assert "Please choose your language" in last_bot_text(driver)
    languages = [b.text for b in driver.find_elements(By.CSS_SELECTOR, "button.choice")]
    assert len(languages) == 10 and any("Deutsch" in name for name in languages)
    menu = press(driver, "Deutsch")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "de"
    assert driver.find_element(By.ID, "send").text == "Senden"
    assert driver.find_element(By.ID, "text-label").get_attribute("textContent") == "Ihre Nachricht"
    assert menu[-1].find_elements(By.CSS_SELECTOR, "button.choice")  # the main menu, as buttons

    answer = say(driver, "Wann hat das Büro in Eving geöffnet?")
    assert "Eving" in answer[-1].text
    shown_before = [m.text for m in driver.find_elements(By.CSS_SELECTOR, "#log .msg")]
    assert any(text.endswith("Wann hat das Büro in Eving geöffnet?") for text in shown_before)

    driver.refresh()  # the conversation stays
    wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#log .msg")) >= len(shown_before))
    assert [m.text for m in driver.find_elements(By.CSS_SELECTOR, "#log .msg")] == shown_before
    again = press(driver, "Hauptmenü")  # buttons of the reloaded conversation still work
    assert again[-1].find_elements(By.CSS_SELECTOR, "button.choice")

    # Keyboard: Tab reaches the menu button, the message field and the send button.
    field = driver.find_element(By.ID, "text")
    field.click()
    assert driver.switch_to.active_element == field


def test_book_and_download_the_calendar_file_with_an_alarm(server: ChatUnderTest, browser: Browser) -> None:
    driver = opened(browser("de-DE"), server)
    say(driver, "/book")
    press(driver, "Mengede/Huckarde")
    press(driver, "Schule")
    press(driver, "Do, 26.11.")
    press(driver, "14:00")
    press(driver, "Nein")
    say(driver, "Es geht um die Anmeldung")
    confirmation = press(driver, "✅")[-1]
    assert "26. November" in confirmation.text and "14:00" in confirmation.text
    link = confirmation.find_element(By.CSS_SELECTOR, "a.file")
    assert link.get_attribute("download").endswith(".ics")
    venue_or_phone = confirmation.find_elements(By.CSS_SELECTOR, "a[href^='tel:'], a.venue")
    assert all(a.get_attribute("href").startswith(("tel:", "https://")) for a in venue_or_phone)
    link.click()
    downloads: Path = driver.downloads
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not list(downloads.glob("*.ics")):
        time.sleep(0.1)
    [ics_file] = list(downloads.glob("*.ics"))
    ics = ics_file.read_text(encoding="utf-8")
    assert "DTSTART:20261126T130000Z" in ics and "BEGIN:VALARM" in ics and "TRIGGER:-PT120M" in ics


def test_arabic_right_to_left_and_screenshots_of_de_ar_uk(server: ChatUnderTest, browser: Browser) -> None:
    for language in ("de-DE", "ar", "uk-UA"):
        driver = opened(browser(language), server)
        code = language.split("-")[0]
        html = driver.find_element(By.TAG_NAME, "html")
        assert html.get_attribute("lang") == code
        expected = "rtl" if code == "ar" else "ltr"
        assert html.get_attribute("dir") == expected
        message = bot_messages(driver)[-1]
        assert driver.execute_script("return getComputedStyle(arguments[0]).direction", message) == expected
        width = driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= 360  # nothing wider than the phone
        if code == "ar":
            box = message.rect
            assert box["x"] + box["width"] > 300  # a bot message starts at the right edge
            assert (
                "عرب" not in driver.find_element(By.ID, "send").text
                and driver.find_element(By.ID, "send").text == "إرسال"
            )
        saved = screenshot(driver, code)
        assert saved.read_bytes().startswith(b"\x89PNG")


def test_markup_from_a_person_is_shown_as_text(server: ChatUnderTest, browser: Browser) -> None:
    driver = opened(browser("de-DE"), server)
    hostile = "<img src=x onerror=alert(1)>"
    say(driver, hostile)
    mine = driver.find_elements(By.CSS_SELECTOR, "#log .msg.from-person .text")
    assert mine[-1].text == hostile
    assert driver.find_elements(By.CSS_SELECTOR, "#log img") == []
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018
    driver.refresh()
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#log .msg.from-person"))
    assert driver.find_elements(By.CSS_SELECTOR, "#log img") == []


def test_two_people_never_see_each_other(server: ChatUnderTest, browser: Browser) -> None:
    anna = opened(browser("de-DE"), server)
    boris = opened(browser("de-DE"), server)
    say(anna, "Mein Name ist Anna Beispiel")
    boris.refresh()
    wait(boris, lambda d: bot_messages(d))
    time.sleep(0.5)  # a long poll would have brought it by now
    assert "Anna Beispiel" not in boris.find_element(By.ID, "log").text
    assert "Anna Beispiel" in anna.find_element(By.ID, "log").text


def test_an_emergency_gets_the_emergency_numbers(server: ChatUnderTest, browser: Browser) -> None:
    driver = opened(browser("en-GB"), server)
    answer = say(driver, "112 my husband beats me")
    text = "\n".join(message.text for message in answer)
    assert "110" in text  # the police, whatever else the safety answer adds
    numbers = {a.get_attribute("href") for message in answer for a in message.find_elements(By.CSS_SELECTOR, "a")}
    assert "tel:110" in numbers  # tappable


def test_no_request_leaves_the_site(server: ChatUnderTest, browser: Browser) -> None:
    driver = opened(browser("de-DE"), server)
    say(driver, "/menu")
    resources = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert resources and all(name.startswith(server.url) for name in resources)
    transferred = driver.execute_script(
        "const [nav] = performance.getEntriesByType('navigation');"
        "return nav.decodedBodySize + performance.getEntriesByType('resource')"
        ".filter(e => e.name.includes('/static/')).reduce((sum, e) => sum + e.decodedBodySize, 0)"
    )
    assert 0 < transferred <= 150 * 1024
