// Starts the checking worker.
// - Its scripts are next to this file, or under LISTGATE_BASE when the
//   embedded widget starts the worker from a same-origin bootstrap script.
// - Requests that arrive while the WebAssembly loads are kept and handed to
//   the worker's own handler once it is installed, so none is lost.
// - A failure to load is thrown from a task (not left as a rejected promise)
//   so that the page's `worker.onerror` hears of it and can tell the merchant.
const base = self.LISTGATE_BASE || "./";
const early = [];
self.onmessage = (event) => early.push(event);
importScripts(base + "worker.js");
wasm_bindgen({ module_or_path: base + "worker_bg.wasm" }).then(
  () => {
    for (const event of early.splice(0)) self.onmessage(event);
  },
  (error) => {
    setTimeout(() => {
      throw error;
    });
  },
);
