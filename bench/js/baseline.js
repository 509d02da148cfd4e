// JavaScript baseline for `bench_browser`, main-thread variant
// (`index.html?variant=main`, the default): Papa Parse and the
// whatsapp-profile checks of checks.js run on the page's main thread, so the
// page is blocked while each chunk is checked.
import { check } from './checks.js';
import { page } from './page.js';

page('main', check);
