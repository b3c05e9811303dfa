// jsdom has no layout. Give the log viewer's scroll box a real-looking geometry:
// a 360 px viewport, a scrollHeight equal to its content's height, and a scrollTop
// that clamps and fires "scroll" asynchronously like a browser does.
const VIEWPORT = 360;
const tops = new WeakMap<Element, number>();

function isScrollBox(element: Element): boolean {
  return element.classList.contains("log-scroll");
}

function contentHeight(element: Element): number {
  const inner = element.querySelector<HTMLElement>(".log-inner");
  return inner ? parseFloat(inner.style.height) || 0 : 0;
}

export function installLayoutStub(): () => void {
  const proto = HTMLElement.prototype;
  const saved = ["clientHeight", "clientWidth", "scrollHeight", "scrollTop", "offsetHeight", "offsetWidth"].map(
    (name) => [name, Object.getOwnPropertyDescriptor(proto, name) ?? Object.getOwnPropertyDescriptor(Element.prototype, name)] as const,
  );
  const size = (value: number) => ({
    configurable: true,
    get(this: HTMLElement) {
      return isScrollBox(this) ? value : 0;
    },
  });
  Object.defineProperty(proto, "clientHeight", size(VIEWPORT));
  Object.defineProperty(proto, "offsetHeight", size(VIEWPORT));
  Object.defineProperty(proto, "clientWidth", size(800));
  Object.defineProperty(proto, "offsetWidth", size(800));
  Object.defineProperty(proto, "scrollHeight", {
    configurable: true,
    get(this: HTMLElement) {
      return isScrollBox(this) ? Math.max(VIEWPORT, contentHeight(this)) : 0;
    },
  });
  Object.defineProperty(proto, "scrollTop", {
    configurable: true,
    get(this: HTMLElement) {
      return tops.get(this) ?? 0;
    },
    set(this: HTMLElement, value: number) {
      const max = isScrollBox(this) ? Math.max(0, contentHeight(this) - VIEWPORT) : 0;
      const next = Math.min(Math.max(0, value), max);
      if (next === (tops.get(this) ?? 0)) return;
      tops.set(this, next);
      // like a browser: the scroll event comes a little later, not inside the caller
      queueMicrotask(() => this.dispatchEvent(new Event("scroll")));
    },
  });
  return () => {
    for (const [name, descriptor] of saved) {
      if (descriptor) Object.defineProperty(proto, name, descriptor);
      else delete (proto as unknown as Record<string, unknown>)[name];
    }
  };
}
