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

export default function ({ parentElement, data, setStateValue }) {
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
  // near only if it still is once they are over. After that, near is near at once.
  const start = performance.now();
  let timer = null;
  const check = () => {
    timer = null;
    if (isNear()) {
      observer.disconnect();
      setStateValue("near", true);
    }
  };
  const observer = new IntersectionObserver((entries) => {
    if (!entries.some((entry) => entry.isIntersecting) || timer !== null) return;
    timer = setTimeout(check, Math.max(0, data.settle - (performance.now() - start)));
  }, { root, rootMargin: `${data.margin}px 0px` });
  observer.observe(box);
  return () => { observer.disconnect(); clearTimeout(timer); };
}
