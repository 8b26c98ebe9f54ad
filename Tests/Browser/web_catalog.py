"""Real-browser tests of Stepyard's web catalog: headless Chromium driven by Selenium.

Run by scripts/browser-tests against `stepyard serve` on a temporary store holding the bundled catalog and a
department `payments` with a fork of task/go. Each check prints PASS or FAIL; the exit status is 1 when one failed.
    python3 Tests/Browser/web_catalog.py --base http://127.0.0.1:PORT [--screenshots DIR]
"""
import argparse
import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

failures = []


def check(name, condition, detail=""):
    print(("PASS " if condition else "FAIL ") + name + ("" if condition or not detail else f": {detail}"), flush=True)
    if not condition:
        failures.append(name)


def browser():
    options = Options()
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1400"]:
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def navigate(driver, element):
    """Clicks `element` (a link or a submit button) and waits until its page has been replaced by the next one.

    The old document is marked before the click and the wait is for a complete document without the mark. Asking the
    old page's elements whether they are stale is not used: while Chromium swaps documents, chromedriver may answer
    that question with an inspector error instead of "stale", and the check then raised instead of waiting."""
    driver.execute_script("window.__stepyardLeaving = true")
    element.click()

    def arrived(d):
        try:
            return d.execute_script("return !window.__stepyardLeaving && document.readyState === 'complete'")
        except WebDriverException:
            return False  # the documents are being swapped: ask again

    WebDriverWait(driver, 10).until(arrived)


def navigate_by(driver, selector):
    """Finds the link or button at `selector` and navigates with it; found again when search-as-you-type swapped it
    out between finding and clicking."""
    for _ in range(5):
        try:
            navigate(driver, driver.find_element(By.CSS_SELECTOR, selector))
            return
        except StaleElementReferenceException:
            continue
    navigate(driver, driver.find_element(By.CSS_SELECTOR, selector))


def wait_for(driver, condition, seconds=10):
    """Whether `condition(driver)` came true within `seconds` (a check that fails instead of an exception)."""
    try:
        WebDriverWait(driver, seconds).until(condition)
        return True
    except TimeoutException:
        return False


def hit_names(driver):
    """The names the result list shows now (read in one script: the list may be swapped while it is read)."""
    return driver.execute_script("return Array.from(document.querySelectorAll('.hit-name'), e => e.textContent.trim())")


def field_errors(driver, field_id):
    """The error messages shown in the form field that holds the control `field_id`."""
    return driver.execute_script(
        "const field = document.getElementById(arguments[0]).closest('.field');"
        "return Array.from(field.querySelectorAll('.error'), e => e.textContent.trim())", field_id)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--screenshots")
    args = parser.parse_args()
    base = args.base.rstrip("/")
    driver = browser()
    driver.implicitly_wait(2)

    def shot(name):
        if args.screenshots:
            os.makedirs(args.screenshots, exist_ok=True)
            driver.save_screenshot(os.path.join(args.screenshots, name + ".png"))

    try:
        # The catalog: search and a facet, as a person would use them.
        driver.get(base + "/")
        check("the catalog page opens", "Catalog" in driver.title, driver.title)
        shot("catalog")
        search = driver.find_element(By.ID, "q")
        search.clear()
        search.send_keys("go")
        Select(driver.find_element(By.ID, "kind")).select_by_value("pipeline")
        navigate(driver, driver.find_element(By.CSS_SELECTOR, "form.facets button[type=submit]"))
        names = [element.text for element in driver.find_elements(By.CSS_SELECTOR, ".hit-name")]
        check("searching go among pipelines finds go-pipeline", "go-pipeline" in names, str(names))
        check("the kind filter keeps only pipelines", all(name.endswith("-pipeline") for name in names), str(names))


        # Search as you type: the results change under the box without a reload, and the address follows.
        driver.get(base + "/")
        driver.execute_script("window.stillHere = true")
        search = driver.find_element(By.ID, "q")
        search.send_keys("kanik")
        check("a half-typed word finds kaniko-build first", wait_for(driver, lambda d: hit_names(d)[:1] == ["kaniko-build"]), str(hit_names(driver)))
        check("without reloading the page", driver.execute_script("return window.stillHere === true"))
        check("the address follows the search", driver.current_url.endswith("/?q=kanik"), driver.current_url)
        search.send_keys(Keys.CONTROL, "a")
        search.send_keys("bitnami")
        check("an image's name finds the templates that run it",
              wait_for(driver, lambda d: d.current_url.endswith("/?q=bitnami") and "deploy-kubectl" in hit_names(d)), str(hit_names(driver)))
        # A facet narrows the list, and the chosen value links back.
        navigate_by(driver, ".facet-list a[href$='kind=task']")
        kinds = [element.text for element in driver.find_elements(By.CSS_SELECTOR, ".hit .badge.kind")]
        check("the kind facet keeps only tasks", kinds and all(kind == "task" for kind in kinds), str(kinds))
        check("the chosen facet can be cleared", bool(driver.find_elements(By.CSS_SELECTOR, ".facet-list a.clear")))

        # A version's runs, as Tekton's events told them (scripts/browser-tests posted one TaskRun of task/go@1.0.0).
        driver.get(base + "/ui/tekton/task/go/1.0.0")
        check("the version page shows its runs", wait_for(driver, lambda d: d.find_element(By.ID, "usage").is_displayed()))
        check("with what they did", driver.find_element(By.CSS_SELECTOR, "#usage .usage-figures").text.startswith("1 run: 1 succeeded, 0 failed"),
              driver.find_element(By.ID, "usage").text)

        # A template's page.
        driver.get(base + "/?q=go&kind=pipeline")
        navigate(driver, driver.find_element(By.LINK_TEXT, "go-pipeline"))
        check("the version page names the template", "go-pipeline" in driver.find_element(By.TAG_NAME, "h1").text)
        params = driver.find_element(By.CSS_SELECTOR, "section[aria-labelledby=params-h]").text
        check("the params table marks git-url required", "git-url required" in params, params[:200])
        tasks = driver.find_element(By.CSS_SELECTOR, "section[aria-labelledby=steps-h]").text
        check("the tasks are listed with their images", "deploy docker.io/bitnami/kubectl" in tasks, tasks[:200])
        graph = driver.find_elements(By.CSS_SELECTOR, "svg.graph")
        check("the pipeline's graph is drawn", bool(graph) and graph[0].is_displayed() and graph[0].size["width"] > 300,
              str(graph[0].size) if graph else "no graph")
        readme_links = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, ".readme a")]
        check("README links lead to pages", any(link.endswith("/ui/tekton/task/go/1.0.0") for link in readme_links), str(readme_links[:5]))
        driver.execute_script("document.getElementById('graph-h').scrollIntoView()")
        shot("version")

        # Start a run: mistakes first, each shown beside its field.
        navigate(driver, driver.find_element(By.LINK_TEXT, "Start a run"))
        check("the run form opens", "Start a run" in driver.find_element(By.TAG_NAME, "h1").text)
        driver.execute_script("window.stillHere = true")
        driver.find_element(By.ID, "p-git-url").send_keys("ftp://example.com/app")
        check("a wrong git URL is shown at its field as it is typed",
              wait_for(driver, lambda d: any("does not match" in e for e in field_errors(d, "p-git-url"))), str(field_errors(driver, "p-git-url")))
        check("a required param still empty is shown at its field as well", any("image" in e for e in field_errors(driver, "p-image")),
              str(field_errors(driver, "p-image")))
        check("checking as you type does not reload the page", driver.execute_script("return window.stillHere === true"))
        shot("run-typing")
        workspace = driver.find_element(By.ID, "ws-source")
        workspace.clear()
        workspace.send_keys("volumeClaimTemplate:lots")
        driver.find_element(By.ID, "o-name").send_keys("Bad_Name")
        navigate(driver, driver.find_element(By.CSS_SELECTOR, "form.run button[type=submit]"))
        check("a git URL of the wrong scheme is shown at its field", any("does not match" in e for e in field_errors(driver, "p-git-url")),
              str(field_errors(driver, "p-git-url")))
        check("a missing required image is shown at its field", field_errors(driver, "p-image") == ["required"], str(field_errors(driver, "p-image")))
        check("a bad volume size is shown at its field", any("quantity" in e for e in field_errors(driver, "ws-source")))
        check("a bad run name is shown at its field", any("DNS-1123" in e for e in field_errors(driver, "o-name")))
        check("a field without a mistake shows none", field_errors(driver, "p-go-version") == [])
        check("no run is bound while there are mistakes", not driver.find_elements(By.ID, "run-yaml"))
        check("what was typed is kept", driver.find_element(By.ID, "p-git-url").get_attribute("value") == "ftp://example.com/app")
        shot("run-errors")

        # Then right: the run, and how to submit it.
        url = driver.find_element(By.ID, "p-git-url")
        url.clear()
        url.send_keys("https://github.com/example/payments-api.git")
        driver.find_element(By.ID, "p-image").send_keys("registry.example.com/payments/api:1.4.2")
        workspace = driver.find_element(By.ID, "ws-source")
        workspace.clear()
        workspace.send_keys("volumeClaimTemplate:2Gi")
        driver.find_element(By.ID, "ws-docker-config").send_keys("secret:registry-credentials")
        name = driver.find_element(By.ID, "o-name")
        name.clear()
        name.send_keys("payments-api-build-1")
        driver.find_element(By.ID, "o-serviceAccountName").send_keys("deployer")
        navigate(driver, driver.find_element(By.CSS_SELECTOR, "form.run button[type=submit]"))
        runs = driver.find_elements(By.ID, "run-yaml")
        run = runs[0].text if runs else ""
        check("the bound run is shown", "kind: PipelineRun" in run and "name: payments-api-build-1" in run, run[:200])
        check("the run binds the Secret and the service account", "secretName: registry-credentials" in run and "serviceAccountName: deployer" in run)
        check("the kubectl line applies a named run", "kubectl apply -f payments-api-build-1.yaml" in driver.find_element(By.CSS_SELECTOR, "section.bound").text)
        download = driver.find_element(By.CSS_SELECTOR, "section.bound a[download]")
        downloaded = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch(arguments[0]).then(r => r.text().then(t => done([r.headers.get('content-disposition'), t]))).catch(e => done(['', String(e)]))",
            download.get_attribute("href"))
        check("the run downloads as a file", downloaded[0] == 'attachment; filename="payments-api-build-1.yaml"'
              and downloaded[1] == driver.find_element(By.ID, "run-yaml").text + "\n", str(downloaded)[:200])
        shot("run-bound")

        # A department's pages are invisible to someone outside it: the same not-found page as for nothing at all.
        driver.get(base + "/ui/payments/task/go/1.0.0")
        check("another department's page is not found", driver.find_element(By.TAG_NAME, "h1").text == "Not found")
        driver.get(base + "/?q=go")
        check("another department's resources are not listed", "/ui/payments/" not in driver.page_source)

        # Signing in: a payments member sees the department's fork; a logistics member does not.
        def sign_in(token):
            driver.get(base + "/ui/sign-in")
            driver.find_element(By.ID, "token").send_keys(token)
            navigate(driver, driver.find_element(By.CSS_SELECTOR, "form.sign-in button[type=submit]"))

        sign_in(os.environ["STEPYARD_PAYMENTS_TOKEN"])
        check("signing in goes back to the catalog, signed in", "Signed in as Pam Payments" in driver.find_element(By.CSS_SELECTOR, ".session").text)
        cookies = {cookie["name"]: cookie for cookie in driver.get_cookies()}
        session = cookies.get("stepyard_session", {})
        check("the session cookie is HttpOnly and SameSite=Strict", session.get("httpOnly") is True and session.get("sameSite") == "Strict", str(session))
        check("the cookie holds no token", os.environ["STEPYARD_PAYMENTS_TOKEN"] not in session.get("value", ""))
        driver.get(base + "/ui/payments/task/go/1.0.0")
        check("a member sees the department's fork", "go" in driver.find_element(By.TAG_NAME, "h1").text and driver.find_element(By.TAG_NAME, "h1").text != "Not found")
        driver.get(base + "/?q=go")
        check("a member's search lists the department's resources", "/ui/payments/task/go/1.0.1" in driver.page_source)
        shot("signed-in")
        driver.get(base + "/ui/payments/task/go/1.0.0")
        navigate(driver, driver.find_element(By.LINK_TEXT, "Compare versions"))
        check("a fork compares with its upstream", "against its upstream task/go@1.0.0" in driver.find_element(By.CSS_SELECTOR, "p.lead").text,
              driver.find_element(By.TAG_NAME, "main").text[:300])

        # Fork from a page: into the member's department, under a name of its own.
        driver.get(base + "/ui/tekton/task/go/1.0.0")
        fork_name = driver.find_element(By.ID, "fork-name")
        fork_name.clear()
        fork_name.send_keys("go-payments")
        navigate(driver, driver.find_element(By.CSS_SELECTOR, "form.fork button[type=submit]"))
        check("forking lands on the fork's page", driver.current_url.endswith("/ui/payments/task/go-payments/1.0.0"), driver.current_url)
        check("the fork names its upstream", "task/go@1.0.0" in driver.find_element(By.CSS_SELECTOR, "section.notice").text)

        # Upgrade: the preview shows the conflict with a choice; settling it as theirs publishes the merge.
        driver.get(base + "/ui/payments/task/go/1.0.1")
        navigate(driver, driver.find_element(By.PARTIAL_LINK_TEXT, "Preview the upgrade to 1.1.0"))
        rows = driver.find_elements(By.CSS_SELECTOR, "table.conflicts tbody tr")
        check("the upgrade preview shows the one conflict", len(rows) == 1 and "go-version" in rows[0].text and "1.24.0" in rows[0].text,
              " | ".join(row.text for row in rows))
        shot("upgrade")
        Select(driver.find_element(By.ID, "conflict-0")).select_by_visible_text("theirs")
        navigate(driver, driver.find_element(By.CSS_SELECTOR, "form.upgrade button[type=submit]"))
        check("settling publishes the upgrade", driver.current_url.endswith("/ui/payments/task/go/1.1.0"), driver.current_url)
        check("the upgraded fork is up to date with upstream", "up to date" in driver.find_element(By.CSS_SELECTOR, "section.notice").text)
        params = driver.find_element(By.CSS_SELECTOR, "section[aria-labelledby=params-h]").text
        check("the upgrade took upstream's Go version", "1.24.0" in params, params[:300])

        # A form posted from another site carries neither the session cookie (SameSite) nor the page's CSRF value.
        driver.get("data:text/html,<form id=f method=post action='" + base + "/ui/sign-out'><input name=csrf value=guess></form>"
                   "<script>document.getElementById('f').submit()</script>")
        WebDriverWait(driver, 10).until(lambda d: d.current_url.startswith(base))
        WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")
        check("a forged form post is refused", "403" in driver.find_element(By.TAG_NAME, "h1").text or "Forbidden" in driver.page_source,
              driver.page_source[:300])
        driver.get(base + "/")
        check("the forged post did not sign the member out", "Signed in as Pam Payments" in driver.find_element(By.CSS_SELECTOR, ".session").text)

        navigate(driver, driver.find_element(By.CSS_SELECTOR, ".session button"))
        check("signing out ends the session", "Sign in" in driver.find_element(By.CSS_SELECTOR, ".session").text)
        sign_in(os.environ["STEPYARD_LOGISTICS_TOKEN"])
        driver.get(base + "/ui/payments/task/go/1.0.0")
        check("another department's member sees nothing", driver.find_element(By.TAG_NAME, "h1").text == "Not found")
        driver.get(base + "/?q=go")
        check("another department's member finds nothing of it", "/ui/payments/" not in driver.page_source)
        navigate(driver, driver.find_element(By.CSS_SELECTOR, ".session button"))

        # From the keyboard: the search box is the second stop, after the catalog link.
        driver.get(base + "/")
        body = driver.find_element(By.TAG_NAME, "body")
        body.send_keys(Keys.TAB)
        body = driver.switch_to.active_element
        body.send_keys(Keys.TAB)
        check("the search box is reached from the keyboard", driver.switch_to.active_element.get_attribute("id") == "quick-q")
    finally:
        driver.quit()
    print(f"{'FAILED' if failures else 'passed'}: {len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
