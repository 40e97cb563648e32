/* A block below the first screen (views/near.py): its space, kept, until the reader scrolls near
   it; then Python is told once ("near"), and the rerun draws the block in its place. A static
   script: nothing from the data is in it (the height and the words come as data, and are set as a
   style and as text, never as HTML). */

/* The page scrolls inside Streamlit's main container, not the window: the margin is that
   container's, as an observer of the window sees nothing of what the container clips. It is the
   outermost ancestor that scrolls (the block's own element container scrolls too, at its size). */
function scroller(node) {
  let found = null;
  for (let element = node instanceof ShadowRoot ? node.host : node; element; element = element.parentElement) {
    const overflow = getComputedStyle(element).overflowY;
    if (overflow === "auto" || overflow === "scroll") found = element;
  }
  return found;
}

// The app's run states in which a rerun is on its way (Streamlit's data-test-script-state).
const BUSY = new Set(["running", "rerunRequested", "stopRequested"]);
const LEAVE_MS = 3000, RETRY_MS = 100;
const SHOWN = "__dashboardNearPage";  // on window: the page (path) shown, and since when
const ASKING = "__dashboardNearAsking";  // on window: the boxes that asked for their block, and when
const STOP = "__dashboardNearStop";  // on the box's element: how to stop the call that watches it
// What the reader can start a run with (a same-tab link, a widget's parts), and keys that start none.
const INPUTS = "a[href], button, input, select, textarea, [role='button'], [role='radio'], [role='option'], " +
  "[role='checkbox'], [role='switch'], [role='tab'], [role='slider'], [role='combobox'], [role='listbox'], summary";
const QUIET_KEYS = new Set(["Tab", "Shift", "Control", "Alt", "Meta", "Escape", "PageUp", "PageDown", "Home", "End"]);

export default function ({ parentElement, data, setStateValue }) {
  // Streamlit calls this function again, on the same element, when the box's data or fragment
  // changes (a rerun that moved it or changed its height), and calls the cleanup only when the box
  // leaves the page. The earlier call kept watching, and asked with its own fragment's id, one the
  // rerun had replaced: the server dropped that rerun, and the block was never drawn (/compare on a
  // phone, "Show actual results and targets" tapped as the cards came near). So each call stops
  // the one before it.
  parentElement[STOP]?.();
  const box = parentElement.querySelector(".near");
  box.style.height = `${data.height}px`;
  box.querySelector("span").textContent = data.label;
  const root = scroller(parentElement);
  // Near: within the margin of the scrolling container's visible part.
  const isNear = () => {
    const area = root ? root.getBoundingClientRect() : { top: 0, bottom: window.innerHeight };
    const rect = box.getBoundingClientRect();
    return rect.height > 0 && rect.top < area.bottom + data.margin && rect.bottom > area.top - data.margin;
  };
  // While the page arrives, the blocks above this one are still short placeholders, and this one
  // sits in the first screen for a moment: in the page's first moments (data.settle ms) a block is
  // near only if it still is once they are over. After that, near is near at once. The moments are
  // the page's (its path's first box), not this box's: a box drawn again by a rerun of the same
  // page (a fragment's box, re-created as the run ended) waited data.settle ms more for nothing.
  const page = window[SHOWN];
  if (!page || page.path !== location.pathname) window[SHOWN] = { path: location.pathname, at: performance.now() };
  const start = window[SHOWN].at;
  // A rerun the reader starts (a link to another page, back or forward, a widget changed) names
  // the page and the widgets' values; this box's rerun names the page shown (the app learns the
  // next page's name only when its run starts), and sent in between it replaced the reader's:
  // "Compare regions" clicked as the chart came near ran /figure again with /compare's address.
  // So the box waits while a run is on, and from such an input until the app has started its run
  // (at most LEAVE_MS, for an input that starts none).
  const app = document.querySelector("[data-testid='stApp']");
  const running = () => app !== null && BUSY.has(app.getAttribute("data-test-script-state"));
  // A bar or point clicked runs the page, which switches to its figure page (chart_block calls
  // st.switch_page): that run ends, and the figure page's starts a moment later, the app showing no
  // run in between. A box that asked then named the page being left, and a full run landed on the
  // figure page's address with none of its content. So after a press on a chart a box also waits,
  // once the run has started, until the app has shown no run for data.idle ms (`after`).
  let idleSince = running() ? null : -Infinity;
  let leaving = null;
  const leave = (after = false) => {
    leaving = { at: performance.now(), started: false, after: after || leaving?.after === true };
  };
  const onInput = (event) => {
    if (event.type === "keydown" && QUIET_KEYS.has(event.key)) return;
    const target = event.target instanceof Element ? event.target.closest(INPUTS) : null;
    if (target && !(target.matches("a[href]") && (target.target === "_blank" || target.hasAttribute("download")))) leave();
  };
  const onPress = (event) => {
    if (event.target instanceof Element && event.target.closest(".js-plotly-plot")) leave(true);
  };
  // A check put off while a run was on is made as soon as the run ends (data.idle ms after it,
  // after a press on a chart), not at the next retry: a filter that brings the block into view (a
  // region added on /compare) drew it up to RETRY_MS later.
  const runs = new MutationObserver(() => {
    if (running()) {
      idleSince = null;
      if (leaving) leaving.started = true;
    } else if (idleSince === null) {
      idleSince = performance.now();
      if (timer !== null && retrying) {
        clearTimeout(timer);
        if (leaving?.after) timer = setTimeout(check, data.idle);
        else check();
      }
    }
  });
  if (app) runs.observe(app, { attributes: true, attributeFilter: ["data-test-script-state"] });
  document.addEventListener("click", onInput, true);
  document.addEventListener("keydown", onInput, true);
  document.addEventListener("pointerdown", onPress, true);
  window.addEventListener("popstate", leave);
  // Each box's block is a fragment of its own (near.drawn_near), and one rerun runs one fragment:
  // two boxes that came near together (a scroll past both) sent one rerun and neither was drawn.
  // So while another box that asked is still there (its block not yet drawn in its place), this
  // one waits. (Waiting for a run to be seen did not do: a fragment's run can be too short for the
  // app to show it, and the other box then waited 3 s, its block drawn in view and moving the page.)
  const asking = window[ASKING] || (window[ASKING] = new Map());
  const othersAsking = () => [...asking].some(([other, at]) => other !== box && performance.now() - at < LEAVE_MS);
  const waiting = () => {
    if (running() || othersAsking()) return true;
    if (leaving === null) return false;
    const now = performance.now();
    if (leaving.started ? leaving.after && now - idleSince < data.idle : now - leaving.at < LEAVE_MS) return true;
    leaving = null;
    return false;
  };
  let timer = null, retrying = false;
  const check = () => {
    timer = null;
    retrying = false;
    if (!isNear()) return;
    if (waiting()) {
      retrying = true;
      timer = setTimeout(check, RETRY_MS);
      return;
    }
    observer.disconnect();
    asking.set(box, performance.now());
    setStateValue("near", true);
  };
  const observer = new IntersectionObserver((entries) => {
    if (!entries.some((entry) => entry.isIntersecting) || timer !== null) return;
    timer = setTimeout(check, Math.max(0, data.settle - (performance.now() - start)));
  }, { root, rootMargin: `${data.margin}px 0px` });
  observer.observe(box);
  const stop = () => {
    if (parentElement[STOP] === stop) delete parentElement[STOP];
    observer.disconnect();
    runs.disconnect();
    clearTimeout(timer);
    document.removeEventListener("click", onInput, true);
    document.removeEventListener("keydown", onInput, true);
    document.removeEventListener("pointerdown", onPress, true);
    window.removeEventListener("popstate", leave);
    asking.delete(box);
  };
  parentElement[STOP] = stop;
  return stop;
}
