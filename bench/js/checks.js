// The checks of the JavaScript baseline for `bench_browser`, shared by both
// of its variants: the whatsapp-profile checks that listgate's worker runs,
// written the way a web developer would with Papa Parse and libphonenumber-js
// (full metadata). `check(file, done)` streams the file through Papa Parse
// and calls `done` with the counts; where it runs is the caller's choice:
// - baseline.js calls it on the page's main thread (`?variant=main`), so the
//   page is blocked while each chunk is checked;
// - worker.js calls it inside a dedicated worker of our own
//   (`?variant=worker`, page side in worker-page.js), so the page is not.
// Papa's own `worker: true` mode is not used in either: here `worker: false`
// means only "do not start Papa's worker", the code runs where it is called.
//
// What it does, per row, like listgate's whatsapp profile:
// - maps the generator's headers (First Name, Mobile, Opt-in Date, Source,
//   Consent Text, Channel) through the profile's synonyms;
// - phone: missing, letters, parsePhoneNumberFromString(text, 'GB'),
//   isValid(); a valid number is written as E.164; a number read with the
//   default country (no + or 00) and a non-mobile getType() are warnings;
// - duplicates by E.164: the first clean row of a number is kept, later rows
//   with it are rejected (listgate's rule: a row rejected only for its
//   channel still counts as clean here);
// - opt-in timestamp: present, parses (ISO-like, else Date.parse, read as
//   UTC), not in the future;
// - source and consent text present; the text mentions WhatsApp (letters and
//   digits only, case-insensitive, as listgate's `squash`);
// - channel: split like listgate's `Segment::from_channels`; a row without
//   WhatsApp is rejected (set aside);
// - counts rows, importable, rejected, set aside, rows with warnings,
//   duplicates.
//
// What it does LESS than listgate: no encoding sniffing (UTF-8 only), no
// delimiter sniffing (Papa's own guess), no clean output file, no per-row
// issue list or row table, no other profile rules (email, dates of birth,
// ages, opt-out, double opt-in, stale consent, business name), no
// preview/mapping step. What it does MORE: nothing beyond the counts. No
// deliberate slowness: it uses the libraries' defaults (Papa's 10 MB local
// chunks) and one pass.

import Papa from 'papaparse';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

const squash = (text) => text.replace(/[^\p{L}\p{N}]/gu, '').toLowerCase();

// The whatsapp profile's names for the fields this list can have.
const FIELDS = {
  phone: ['phone', 'phone number', 'mobile', 'mobile number', 'mobile phone', 'cell', 'cell phone',
    'cellphone', 'telephone', 'tel', 'msisdn', 'whatsapp', 'whatsapp number', 'whatsapp phone',
    'wa number', 'phone no', 'contact number', 'handy', 'telefon', 'telefono', 'téléphone', 'number'],
  opt_in_at: ['opt_in_at', 'opt-in date', 'opt in date', 'optin date', 'opted in at', 'consent date',
    'consent timestamp', 'subscribed at', 'subscription date', 'signup date', 'opt-in timestamp',
    'date subscribed'],
  opt_in_source: ['opt_in_source', 'source', 'opt-in source', 'consent source', 'signup source',
    'lead source', 'collected from'],
  opt_in_text: ['opt_in_text', 'consent text', 'consent wording', 'opt-in text', 'opt in wording',
    'consent message', 'consent language', 'checkbox text'],
  opt_in_channel: ['opt_in_channel', 'channel', 'consent channel', 'opt-in channel', 'channels',
    'subscribed channels'],
  first_name: ['first_name', 'first', 'firstname', 'given name', 'forename', 'vorname', 'prenom'],
};

function mapHeader(header) {
  const index = {};
  header.forEach((name, i) => {
    const key = squash(name);
    for (const [field, names] of Object.entries(FIELDS)) {
      if (index[field] === undefined && names.some((n) => squash(n) === key)) index[field] = i;
    }
  });
  return index;
}

// listgate's Segment::from_channels: does the cell name WhatsApp?
function hasWhatsapp(cell) {
  for (const part of cell.split(/[;,|/+&]| and /)) {
    const key = squash(part);
    if (key === 'whatsapp' || key === 'wa' || key === 'whatsappbusiness') return true;
  }
  return false;
}

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/i;

// Milliseconds since the epoch, or NaN. Times without a zone are UTC.
function parseInstant(text) {
  const m = ISO.exec(text);
  if (!m) return Date.parse(text);
  const [y, mo, d, h = 0, mi = 0, s = 0] = m.slice(1, 7).map((v) => (v === undefined ? undefined : +v));
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(ms);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return NaN;
  const zone = m[7];
  if (!zone || /^(z|utc)$/i.test(zone)) return ms;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return ms - sign * (+digits.slice(0, 2) * 60 + +digits.slice(2)) * 60000;
}

// Streams `file` (a File or Blob) through Papa Parse and calls `done` once
// with the counts, or with `{ error }`.
export function check(file, done) {
  const now = Date.now();
  const counts = { rows: 0, importable: 0, rejected: 0, set_aside: 0, warnings: 0, duplicates: 0 };
  const seen = new Set();
  let index = null;
  let width = 0;
  // Column of each field (-1: not in the file), set from the header.
  let phoneAt = -1;
  let optInAt = -1;
  let sourceAt = -1;
  let textAt = -1;
  let channelAt = -1;
  const cell = (row, at) => (at < 0 ? '' : (row[at] ?? '').trim());

  function checkRow(row) {
    let errors = 0;
    let channelError = false;
    let warning = false;
    if (row.length !== width) errors++;
    const phoneText = cell(row, phoneAt);
    let e164 = null;
    if (!phoneText || /\p{L}/u.test(phoneText)) {
      errors++;
    } else {
      const phone = parsePhoneNumberFromString(phoneText, 'GB');
      if (!phone || !phone.isValid()) {
        errors++;
      } else {
        e164 = phone.number;
        if (!phoneText.startsWith('+') && !phoneText.startsWith('00')) warning = true;
        const type = phone.getType();
        if (type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') warning = true;
      }
    }
    const at = cell(row, optInAt);
    if (!at) {
      errors++;
    } else {
      const ms = parseInstant(at);
      if (Number.isNaN(ms) || ms > now) errors++;
    }
    if (!cell(row, sourceAt)) errors++;
    const whatsapp = hasWhatsapp(cell(row, channelAt));
    const text = cell(row, textAt);
    if (!text) errors++;
    else if (whatsapp && !squash(text).includes('whatsapp')) errors++;
    if (!whatsapp) channelError = true;
    let duplicate = false;
    if (e164 !== null) {
      if (seen.has(e164)) duplicate = true;
      // Channel-only rejections still count as clean for duplicates (as in listgate).
      else if (errors === 0) seen.add(e164);
    }
    counts.rows++;
    if (warning) counts.warnings++;
    if (duplicate) counts.duplicates++;
    if (errors === 0 && !duplicate && !channelError) counts.importable++;
    else {
      counts.rejected++;
      if (errors === 0 && !duplicate) counts.set_aside++;
    }
  }

  Papa.parse(file, {
    worker: false,
    skipEmptyLines: true,
    chunk(results) {
      let rows = results.data;
      if (index === null) {
        width = rows[0].length;
        index = mapHeader(rows[0]);
        [phoneAt, optInAt, sourceAt, textAt, channelAt] = ['phone', 'opt_in_at', 'opt_in_source',
          'opt_in_text', 'opt_in_channel'].map((field) => index[field] ?? -1);
        rows = rows.slice(1);
      }
      for (const row of rows) checkRow(row);
    },
    complete() {
      done(counts);
    },
    error(e) {
      done({ error: String(e) });
    },
  });
}
