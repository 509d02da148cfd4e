// The page side shared by both variants of the JavaScript baseline: times a
// check from the file input's `change` to the result, and writes the result
// as JSON into `<pre id="result">` (the counts, the variant, and `ms` on the
// page's own clock). `run(file, done)` is the variant's way of checking the
// file. The input gets `data-ready="<variant>"` once the variant can take a
// file (bench_browser waits for it).
export function page(variant, run) {
  const input = document.getElementById('file-input');
  input.addEventListener('change', (event) => {
    const started = performance.now();
    run(event.target.files[0], (counts) => {
      const result = document.createElement('pre');
      result.id = 'result';
      result.textContent = JSON.stringify({ ...counts, variant, ms: performance.now() - started });
      document.body.append(result);
    });
  });
  input.dataset.ready = variant;
}
