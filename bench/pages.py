"""Browser timings: page load and reruns in headless Chromium, and server memory with many sessions.

Every time is measured inside the page with `performance.now()` (0 = navigation start), so
Playwright's own round trips are not in it. An init script records each change of the app's
script state (`data-test-script-state` on stApp) and the last DOM change inside any Plotly chart
(hover layer aside). A page counts as settled when

- the script state is `notRunning` and a run has been requested or started since the trigger
  (or, for a rerun so fast that the state attribute never changed, the main area has changed),
- no `stSkeleton` placeholder is left (Streamlit lazy-loads the Plotly and table components),
- every graphic element (`.stPrintGraphic`) holds a drawn Plotly chart (`.main-svg`),
- and nothing of the above has changed for HOLD_MS.

The time reported is that of the last change (the final `notRunning`, or the last chart
mutation, or in the case above the main area's last mutation) minus the trigger: navigation start for a page load, the
pointerdown/keydown of the interaction for a rerun. HOLD_MS only decides when to stop looking.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import partial

from bench.common import VIEWPORT, log
from tests.harness import CHROMIUM, CHROMIUM_ARGS

HOLD_MS = 600
POLL_S = 0.05

INIT_JS = r"""
(() => {
  const b = window.__bench = {states: [], chartMut: -1, mainMut: -1, input: null, armed: false};
  const record = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    const s = app ? app.getAttribute('data-test-script-state') : null;
    const last = b.states[b.states.length - 1];
    if (!last || last[0] !== s) b.states.push([s, performance.now()]);
  };
  const inChart = (node) => {
    const el = node && (node.nodeType === 1 ? node : node.parentElement);
    return el && el.closest && el.closest('.js-plotly-plot') && !el.closest('.hoverlayer');
  };
  const observer = new MutationObserver((mutations) => {
    const now = performance.now();
    for (const m of mutations) {
      const el = m.target && (m.target.nodeType === 1 ? m.target : m.target.parentElement);
      if (el && el.closest && el.closest('[data-testid="stMain"]') && !el.closest('.hoverlayer')) b.mainMut = now;
      if (inChart(m.target)) { b.chartMut = now; break; }
    }
    record();
  });
  observer.observe(document,
                   {subtree: true, childList: true, attributes: true, characterData: true});
  for (const type of ['pointerdown', 'keydown']) {
    window.addEventListener(type, () => {
      if (b.armed) { b.input = performance.now(); b.armed = false; }
    }, true);
  }
})();
"""

SNAPSHOT_JS = r"""
() => {
  const b = window.__bench;
  if (!b) return null;
  const graphics = Array.from(document.querySelectorAll('.stPrintGraphic'));
  return {
    now: performance.now(),
    states: b.states,
    chartMut: b.chartMut,
    mainMut: b.mainMut,
    input: b.input,
    skeletons: document.querySelectorAll('[data-testid="stSkeleton"]').length,
    graphics: graphics.length,
    drawn: graphics.filter((g) => g.querySelector('.js-plotly-plot .main-svg')).length,
    exception: document.querySelectorAll('[data-testid="stException"]').length,
  };
}
"""


class SettleTimeout(Exception):
    def __init__(self, message: str, snapshot: dict | None = None):
        super().__init__(message)
        self.snapshot = snapshot or {}

    def script_started(self) -> bool:
        return any(state == "running" for state, _ in self.snapshot.get("states", []))


@dataclass
class Settled:
    ms: float  # trigger -> last change
    charts: int
    states: list = field(default_factory=list)


def settle(page, since: float, timeout_s: float, hold_ms: float = HOLD_MS) -> Settled:
    """Wait until the page is settled (see module doc) after `since` (ms, page clock); return the time."""
    deadline = time.monotonic() + timeout_s
    snap = None
    while time.monotonic() < deadline:
        try:
            snap = page.evaluate(SNAPSHOT_JS)
        except Exception:  # navigation in progress: the execution context is being replaced
            snap = None
        if snap:
            states = snap["states"]
            state, changed = states[-1] if states else (None, 0.0)
            # A rerun request shows as 'rerunRequested'; when the whole run's messages arrive in one
            # batch React never renders 'running' in between, so either marks a run since `since`.
            # A fast cached rerun may not even show 'rerunRequested' (React batches it away): then
            # the page's own change (a DOM mutation in the main area) marks it, and ends it.
            by_state = any(s in ("running", "rerunRequested") and t >= since for s, t in states)
            by_dom = not by_state and snap["mainMut"] >= since
            ready = (state == "notRunning" and (by_state or by_dom) and snap["skeletons"] == 0
                     and snap["drawn"] == snap["graphics"])
            last = max(changed if by_state else since, snap["chartMut"] if snap["chartMut"] >= since else since,
                       snap["mainMut"] if by_dom else since)
            if ready and snap["now"] - last >= hold_ms:
                return Settled(ms=last - since, charts=snap["graphics"], states=states)
        time.sleep(POLL_S)
    brief = {k: v for k, v in (snap or {}).items() if k != "states"}
    brief["last_states"] = [[state, round(t)] for state, t in (snap or {}).get("states", [])[-4:]]
    raise SettleTimeout(f"page not settled after {timeout_s:.0f} s; last snapshot: {brief}", snap)


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def new_page(browser):
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.add_init_script(INIT_JS)
    return context, page


def load(page, url: str, timeout_s: float = 60) -> Settled:
    """Navigate and time navigation start -> settled."""
    page.goto(url, wait_until="commit", timeout=timeout_s * 1000)
    return settle(page, since=0.0, timeout_s=timeout_s)


def _arm(page) -> None:
    page.evaluate("() => { window.__bench.input = null; window.__bench.armed = true; }")


def _input_time(page) -> float:
    value = page.evaluate("() => window.__bench.input")
    if value is None:
        raise SettleTimeout("the interaction did not reach the page (no pointerdown/keydown recorded)")
    return value


def widget(page, testid: str, label: str):
    """The widget of this kind whose label is exactly `label`."""
    return page.locator(f"[data-testid='{testid}']").filter(
        has=page.locator("[data-testid='stWidgetLabel']").get_by_text(label, exact=True)
    )


SKIP_OPTIONS = {"Select all", "All regions"}


def pick_option(page, testid: str, label: str, timeout_s: float = 60, avoid: tuple[str, ...] = (),
                last: bool = False) -> tuple[str, Settled]:
    """Open a selectbox/multiselect, click the first (or `last`) real option not in `avoid`, time the rerun."""
    box = widget(page, testid, label)
    # Streamlit 1.67 draws selectbox and multiselect as react-aria combo boxes labelled like the widget
    combo = box.get_by_role("combobox", name=label, exact=True)
    (combo if combo.count() else box).first.click()
    options = page.locator("[role='option']")
    options.first.wait_for(state="visible")
    texts = options.all_inner_texts()
    real = [i for i, text in enumerate(texts) if text.strip() not in SKIP_OPTIONS]
    real = real[::-1] if last else real
    # Past the options there are, repeat one rather than fail (the caller can tell: it is in `avoid`).
    choice = next((i for i in real if texts[i].strip() not in avoid), real[0])
    option_text = texts[choice].strip()
    _arm(page)
    options.nth(choice).click()
    page.mouse.move(2, 2)  # keep the pointer off the charts (hover labels are DOM changes)
    since = _input_time(page)
    return option_text, settle(page, since=since, timeout_s=timeout_s)


def hotkey_rerun(page, timeout_s: float = 60) -> Settled:
    """Streamlit's 'r' shortcut: rerun the script with the same widget state."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.mouse.move(2, 2)
    _arm(page)
    page.keyboard.press("r")
    since = _input_time(page)
    return settle(page, since=since, timeout_s=timeout_s)


def log_settled(name: str, what: str, result: Settled | Exception) -> None:
    if isinstance(result, Exception):
        log(f"  {name} {what}: FAILED {result}")
    else:
        log(f"  {name} {what}: {result.ms:.0f} ms ({result.charts} charts)")


# --- scenarios: page load, then a widget rerun, then a hotkey rerun, in one fresh context ------------


@dataclass(frozen=True)
class Scenario:
    name: str  # "bare", "/", "/compare", "/explore"
    app: str  # "bare" or "dashboard"
    path: str
    widget: tuple[str, str] | None = None  # (data-testid, label) of the filter to change


SCENARIOS = [
    Scenario("bare", "bare", "/", ("stSelectbox", "Region")),
    Scenario("/", "dashboard", "/"),
    Scenario("/compare", "dashboard", "/compare", ("stMultiSelect", "Regions")),
    Scenario("/explore", "dashboard", "/explore", ("stMultiSelect", "Region")),
]
STEPS = ("load", "widget_rerun", "first_rerun", "hotkey_rerun")


def run_scenario(browser, scenario: Scenario, base_url: str, timeout_s: float = 60, avoid: tuple[str, ...] = (),
                 last: bool = False) -> dict:
    """One fresh context: load the page, change the filter (or, on a page without one, press 'r'
    first), press 'r'; times in ms or errors.

    The filter picks the first option not in `avoid`: the benchmark passes every option picked
    before, so each filter rerun asks for a combination the server has not computed (pages cache
    per data version and arguments; a repeated pick would only time the cache). The 'r' rerun
    that follows repeats the same state, so it is the cached path. Warm-up runs pick from the end
    (`last`), so they spend the options the timed runs reach last."""
    context, page = new_page(browser)
    out: dict = {}
    try:
        try:
            settled = load(page, base_url + scenario.path, timeout_s)
            out["load"] = settled.ms
            out["load_charts"] = settled.charts
        except Exception as err:
            out["error"] = f"load: {err}"
            return out
        steps = []
        if scenario.widget:
            def widget_step():
                option, settled = pick_option(page, *scenario.widget, timeout_s=timeout_s, avoid=avoid, last=last)
                out["widget_option"] = option
                out["widget_option_repeated"] = option in avoid
                return settled

            steps.append(("widget_rerun", widget_step))
        else:
            # The timed 'r' is the session's second rerun on every page, as it is after a filter
            # rerun: a session's first rerun runs the browser's update code cold (alternating, 10
            # rounds: / 63.5 ms as the first rerun against 58.0 as the second; the bare app 125 as its
            # first against 104 after its filter rerun).
            steps.append(("first_rerun", partial(hotkey_rerun, page, timeout_s)))
        steps.append(("hotkey_rerun", partial(hotkey_rerun, page, timeout_s)))
        for name, step in steps:
            try:
                settled = step()
                out[name] = settled.ms
                out[f"{name}_charts"] = settled.charts
            except Exception as err:
                out["error"] = f"{name}: {err}"
                return out
        if page.locator("[data-testid='stException']").count():
            out["error"] = "the page shows an exception"
    finally:
        context.close()
    return out


def run_page_benchmarks(browser, urls: dict[str, str], runs: int, warmups: int) -> dict:
    """Warm-up rounds, then `runs` rounds; each round runs every scenario once, the order rotated per
    round so no scenario always runs first (or right after the heaviest one)."""
    samples: dict[str, list[dict]] = {s.name: [] for s in SCENARIOS}
    picked: dict[str, list[str]] = {s.name: [] for s in SCENARIOS}
    for round_no in range(warmups + runs):
        warm = round_no < warmups
        order = SCENARIOS[round_no % len(SCENARIOS):] + SCENARIOS[:round_no % len(SCENARIOS)]
        log(f"pages: {'warm-up' if warm else 'run'} round {round_no + 1 - (0 if warm else warmups)}"
            f"/{warmups if warm else runs}")
        for scenario in order:
            result = run_scenario(browser, scenario, urls[scenario.app], avoid=tuple(picked[scenario.name]), last=warm)
            if "widget_option" in result:
                picked[scenario.name].append(result["widget_option"])
            log(f"  {scenario.name:9s} " + ", ".join(
                f"{k} {v:.0f} ms" for k, v in result.items() if k in STEPS) + (f"  ERROR {result['error']}" if "error" in result else ""))
            if not warm:
                samples[scenario.name].append(result)
    return samples


# --- server memory with many sessions held open ----------------------------------------------------


def session_memory(browser, url: str, pid: int, sessions: int, proc_status, settle_s: float = 3.0) -> dict:
    """Server VmRSS with no session, one session and `sessions` sessions on /explore, all held open."""
    out = {"sessions": sessions}
    time.sleep(settle_s)
    out["rss_idle_bytes"] = proc_status(pid)["VmRSS"]
    held = []
    failures = []
    try:
        for index in range(sessions):
            context, page = new_page(browser)
            held.append(context)
            try:
                load(page, url, timeout_s=120)
            except Exception as err:
                failures.append(f"session {index + 1}: {err}")
            if index == 0:
                time.sleep(settle_s)
                out["rss_1_bytes"] = proc_status(pid)["VmRSS"]
                log(f"memory: 1 session, server VmRSS {out['rss_1_bytes'] / 2**20:.0f} MiB")
        time.sleep(settle_s)
        status = proc_status(pid)
        out["rss_n_bytes"] = status["VmRSS"]
        out["hwm_bytes"] = status["VmHWM"]
        log(f"memory: {sessions} sessions, server VmRSS {out['rss_n_bytes'] / 2**20:.0f} MiB")
    finally:
        for context in held:
            context.close()
    time.sleep(settle_s)
    out["rss_after_close_bytes"] = proc_status(pid)["VmRSS"]
    out["failures"] = failures
    return out


# --- /explore at one data size ------------------------------------------------------------------------


def matching_text(page) -> str | None:
    """The explore page's '**N** of M figures match.' line, to check the filter really applied."""
    found = page.locator("[data-testid='stMarkdown']").filter(has_text="figures match")
    return found.first.inner_text() if found.count() else None


def remove_option(page, testid: str, label: str, option: str, timeout_s: float) -> Settled:
    """Click the x on a multiselect's chip and time the rerun."""
    page.keyboard.press("Escape")  # close the option list if it is still open
    button = widget(page, testid, label).get_by_role("button", name=f"Remove {option}", exact=True)
    _arm(page)
    button.click()
    page.mouse.move(2, 2)
    return settle(page, since=_input_time(page), timeout_s=timeout_s)


def explore_at_scale(browser, url: str, cold_timeout_s: float, step_timeout_s: float, runs: int,
                     budget_s: float) -> dict:
    """/explore at one data size, all in one page (a page load costs as much as a rerun at 1M rows):

    1. first load with a cold cache (load, validate, enrich, render), up to cold_timeout_s;
    2. a warm-up rerun: pick the first region in the Region filter;
    3. `runs` times: remove that region (rerun back to every row), pick it again (the timed rerun);
    4. one page load with a warm cache in a fresh context.

    Steps 2-4 share `budget_s`; each step's timeout is what is left of it (at most step_timeout_s),
    and a step that runs out is recorded, never waited on.
    """
    out: dict = {"runs_planned": runs, "rerun_ms": [], "clear_rerun_ms": []}
    deadline = None

    def left() -> float:
        return min(step_timeout_s, deadline - time.monotonic())

    context, page = new_page(browser)
    try:
        try:
            out["first_load_ms"] = load(page, url + "/explore", timeout_s=cold_timeout_s).ms
        except SettleTimeout as err:
            out["first_load"] = f"timeout after {cold_timeout_s:.0f} s"
            out["script_started"] = err.script_started()
            return out
        deadline = time.monotonic() + budget_s
        step = "warm-up rerun"
        out["all_rows_text"] = matching_text(page)
        region, settled = pick_option(page, "stMultiSelect", "Region", timeout_s=left())
        out["region_picked"] = region
        out["warmup_rerun_ms"] = settled.ms
        out["filtered_text"] = matching_text(page)
        step = ""
        for _ in range(runs):
            if left() <= 0:
                break
            step = "clear the filter"
            out["clear_rerun_ms"].append(remove_option(page, "stMultiSelect", "Region", region, left()).ms)
            if left() <= 0:
                break
            step = "pick a region"
            out["rerun_ms"].append(pick_option(page, "stMultiSelect", "Region", timeout_s=left())[1].ms)
    except SettleTimeout:
        out["stopped"] = (f"the {budget_s:.0f} s budget after the first load ran out during '{step}' "
                          f"(after {len(out['rerun_ms'])} timed rerun(s))")
    except Exception as err:
        out["error"] = str(err)[:1000]
    finally:
        context.close()
    if "first_load_ms" in out and deadline and left() > 0:
        context, page = new_page(browser)
        try:
            out["warm_load_ms"] = load(page, url + "/explore", timeout_s=left()).ms
        except SettleTimeout:
            out["warm_load"] = "ran out of budget"
        except Exception as err:
            out["error"] = str(err)[:1000]
        finally:
            context.close()
    return out
