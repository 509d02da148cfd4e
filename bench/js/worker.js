// JavaScript baseline for `bench_browser`, worker variant: the dedicated
// worker that worker-page.js starts. It receives the chosen File through
// postMessage, streams it through Papa Parse in chunks here in the worker
// (checks.js, the same code as the main-thread variant; Papa's own
// `worker: true` mode is not used), and posts the counts back.
//
// Messages: to the page `{ type: 'ready' }` once loaded, then
// `{ type: 'done', counts }` for each file; from the page, a File.
import { check } from './checks.js';

self.onmessage = (event) => {
  check(event.data, (counts) => self.postMessage({ type: 'done', counts }));
};
self.postMessage({ type: 'ready' });
