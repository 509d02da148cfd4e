// JavaScript baseline for `bench_browser`, worker variant
// (`index.html?variant=worker`), page side: starts the dedicated worker
// (worker.js) when the page loads, as an app would, and once it is ready
// hands it each chosen File (a handle: the worker reads the bytes itself)
// and shows the counts it posts back. The page's main thread only passes
// messages.
import { page } from './page.js';

const worker = new Worker('worker.js');
let pending = null;
worker.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'ready') {
    page('worker', (file, done) => {
      pending = done;
      worker.postMessage(file);
    });
  } else if (message.type === 'done' && pending) {
    const done = pending;
    pending = null;
    done(message.counts);
  }
};
worker.onerror = (event) => {
  const error = `worker.js: ${event.message || 'failed to load'}`;
  console.error(error);
  if (pending) {
    const done = pending;
    pending = null;
    done({ error });
  }
};
