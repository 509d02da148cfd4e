// listgate's checker for partner pages. Load it as a module:
//   <script type="module" src="https://LISTGATE_HOST/widget/listgate.js"></script>
//   <listgate-import tenant="lg_pub_…" profile="whatsapp" default-region="GB"></listgate-import>
// or call listgate.mount(element, { tenant, profile, options, theme, locale, texts,
// headless, onValidated, onSubmitted, onError }), which returns { destroy() }.
// The list is read and checked inside the browser; only Submit sends the clean
// file (never in headless mode, where the page receives it in listgate:validated).
import init, { mount as mountWidget } from "./widget.js";

const here = new URL("./", import.meta.url);
const server = new URL("../", here).href;
const ready = init({ module_or_path: new URL("widget_bg.wasm", here) });

const CALLBACKS = { onValidated: "validated", onSubmitted: "submitted", onError: "error" };

function report(element, message) {
  console.error(message);
  element.dispatchEvent(new CustomEvent("listgate:error", { detail: { message: String(message) }, bubbles: true, composed: true }));
}

async function mount(element, options = {}) {
  if (!(element instanceof HTMLElement)) throw new TypeError("listgate.mount needs an element");
  const listeners = [];
  for (const [option, name] of Object.entries(CALLBACKS)) {
    if (typeof options[option] === "function") {
      const listener = (event) => options[option](event.detail);
      element.addEventListener("listgate:" + name, listener);
      listeners.push(["listgate:" + name, listener]);
    }
  }
  await ready;
  const { onValidated, onSubmitted, onError, ...settings } = options;
  let handle;
  try {
    handle = mountWidget(element, JSON.stringify(settings), server);
  } catch (error) {
    report(element, error);
    for (const [name, listener] of listeners) element.removeEventListener(name, listener);
    throw error;
  }
  return {
    destroy() {
      handle.destroy();
      handle.free();
      for (const [name, listener] of listeners) element.removeEventListener(name, listener);
    },
  };
}

const FLAGS = ["house-number-in-street", "infer-mobile-number", "allow-mobile-number-updates"];
const TEXTS = ["default-region", "business-name", "date-format", "channel"];
const camel = (name) => name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());

class ListgateImport extends HTMLElement {
  connectedCallback() {
    const options = {};
    for (const name of TEXTS) if (this.hasAttribute(name)) options[camel(name)] = this.getAttribute(name);
    for (const name of FLAGS) if (this.hasAttribute(name)) options[camel(name)] = true;
    if (this.hasAttribute("header")) options.header = this.getAttribute("header") !== "false";
    const settings = {
      tenant: this.getAttribute("tenant") || "",
      profile: this.getAttribute("profile") || "whatsapp",
      locale: this.getAttribute("locale") || document.documentElement.lang || "en",
      headless: this.hasAttribute("headless"),
      options,
    };
    this.mounting = mount(this, settings).then(
      (handle) => (this.handle = handle),
      () => {},
    );
  }

  disconnectedCallback() {
    this.mounting?.then(() => {
      this.handle?.destroy();
      this.handle = null;
    });
  }
}

if (!customElements.get("listgate-import")) customElements.define("listgate-import", ListgateImport);
window.listgate = Object.freeze({ mount });
export { mount };
