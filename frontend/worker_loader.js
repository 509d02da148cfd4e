// Starts the checking worker.
// - Requests that arrive while the WebAssembly loads are kept and handed to
//   the worker's own handler once it is installed, so none is lost.
// - A failure to load is thrown from a task (not left as a rejected promise)
//   so that the page's `worker.onerror` hears of it and can tell the merchant.
const early = [];
self.onmessage = (event) => early.push(event);
importScripts("./worker.js");
wasm_bindgen({ module_or_path: "./worker_bg.wasm" }).then(
  () => {
    for (const event of early.splice(0)) self.onmessage(event);
  },
  (error) => {
    setTimeout(() => {
      throw error;
    });
  },
);
