#!/usr/bin/env node
// Compares `smscount` (the sms crate) with Twilio's segment calculator (npm
// `sms-segments-calculator`) on a deterministic corpus: encoding and part
// count text by text, and the time each takes for the whole corpus.
//
//   cargo build --release -p sms --bin smscount
//   node sms/compare/compare.mjs [--count 20000] [--seed 1] [--runs 5]
//
// Environment: SMSCOUNT (the binary; default <repo>/target/release/smscount,
// else $CARGO_TARGET_DIR/release/smscount), ESEMES_COMPARE_DIR (scratch
// folder for the npm package and the reports; default $TMPDIR/esemes-compare,
// outside the repository), CALCULATOR_VERSION (default 1.3.0).
//
// The calculator is installed into the scratch folder with
// `npm install --prefix`, never into the repository. Every disagreement is
// written to <scratch>/disagreements.jsonl, the summary to
// <scratch>/report.json.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------- options

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const COUNT = arg('count', 20000);
const SEED = arg('seed', 1);
const RUNS = arg('runs', 5);

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const scratch = process.env.ESEMES_COMPARE_DIR || join(process.env.TMPDIR || tmpdir(), 'esemes-compare');
const calculatorVersion = process.env.CALCULATOR_VERSION || '1.3.0';

function findSmscount() {
  const candidates = [
    process.env.SMSCOUNT,
    join(repo, 'target', 'release', 'smscount'),
    process.env.CARGO_TARGET_DIR && join(process.env.CARGO_TARGET_DIR, 'release', 'smscount'),
  ].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    console.error(`smscount not found (${candidates.join(', ')}); build it first:\n` +
      '  cargo build --release -p sms --bin smscount');
    process.exit(2);
  }
  return found;
}

// ------------------------------------------------------- the calculator

function loadCalculator() {
  const pkg = join(scratch, 'node_modules', 'sms-segments-calculator', 'package.json');
  mkdirSync(scratch, { recursive: true });
  const installed = existsSync(pkg) && createRequire(import.meta.url)(pkg).version === calculatorVersion;
  if (!installed) {
    console.error(`installing sms-segments-calculator@${calculatorVersion} into ${scratch}`);
    const r = spawnSync('npm', ['install', '--prefix', scratch, '--no-audit', '--no-fund',
      `sms-segments-calculator@${calculatorVersion}`], { stdio: 'inherit' });
    if (r.status !== 0) process.exit(2);
  }
  const require = createRequire(join(scratch, 'package.json'));
  return require('sms-segments-calculator').SegmentedMessage;
}

// ------------------------------------------------------------- corpus

// mulberry32: small, deterministic, good enough for test data.
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ASCII_WORDS = ('the of and to in is you that it he was for on are as with his they at be this have from ' +
  'or one had by word but not what all were we when your can said there use an each which she do how their ' +
  'if will up other about out many then them these so some her would make like him into time has look two ' +
  'more write go see number no way could people my than first water been call who oil its now find long down ' +
  'day did get come made may part appointment reminder code Monday 9:30 tel. 22-123-45-67 OK? STOP! (info) ' +
  'price: 12.50 50% #promo @home "quoted" it\'s a/b x*y 1+1=2 <tag> _under_ ;-)').split(' ');
const POLISH_WORDS = ('zażółć gęślą jaźń Szanowni Państwo przypominamy wizycie przychodni poniedziałek godz. ' +
  'gabinet piętro Prosimy zabrać dowód osobisty skierowanie wyniki badań rezygnacji kontakt numerem ' +
  'odpowiedź Życzymy zdrowia miłego dnia Łódź Gdańsk Kraków Poznań Wrocław Świnoujście źródło ćma ' +
  'łąka mąka rękę książka więcej dziękujemy zamówienie zostało wysłane Potwierdź TAK NIE oraz lub w z na ' +
  'do i o u się że ale jest być').split(' ');
// GSM-7 characters outside ASCII (1 septet each).
const GSM_LATIN = [...'£¥èéùìòÇØøÅåΔΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà'];
// The extension table (escape + code: 2 septets each).
const EXTENSION = [...'€{}[]~^|\\\f'];
const POLISH_LETTERS = [...'ąćęłńóśźżĄĆĘŁŃÓŚŹŻ'];
// Outside the BMP: surrogate pairs, one code point each.
const SURROGATES = ['😀', '🎉', '👍', '🚀', '💬', '📱', '🙂', '𝄞', '𠀀', '𝒜', '🂡', '🤖'];
// Clusters of several code points.
const CLUSTERS = ['❤️', '👍🏽', '🇵🇱', '🇩🇪', '1️⃣', '👨‍👩‍👧‍👦', '👩🏽‍💻', '🏳️‍🌈', 'e\u0301', 'ą\u0301',
  '\u1112\u1161\u11ab', 'क्षि', 'नमस्ते', '☺︎'];
const NEWLINES = ['\r\n', '\n', '\r'];

// Septets a char costs in GSM-7 (1 or 2), or 0 if it is not GSM-7; used only
// to build texts of a given length in units, never to judge.
const GSM_BASIC_SET = new Set([...'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡' +
  'ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà']);
const EXTENSION_SET = new Set(EXTENSION);
const septets = (ch) => (GSM_BASIC_SET.has(ch) ? 1 : EXTENSION_SET.has(ch) ? 2 : 0);

// Lengths (characters or units) on either side of the part boundaries:
// single 160/70, then multiples of 153/67 (8-bit reference).
const GSM_BOUNDARIES = [160, 306, 459, 612, 765, 918, 1071, 1224, 1377, 1530];
const UCS2_BOUNDARIES = [70, 134, 201, 268, 335, 402, 469, 536, 603, 670, 737, 804, 871, 938, 1005, 1072,
  1139, 1206, 1273, 1340, 1407, 1474, 1541, 1608];
const BOUNDARY_LENGTHS = [...new Set([0, 1, ...GSM_BOUNDARIES, ...UCS2_BOUNDARIES, 152, 153, 154, 66, 67, 68]
  .flatMap((b) => [b - 1, b, b + 1]).filter((n) => n >= 0 && n <= 1600))];

function makeCorpus(count, seed) {
  const rand = prng(seed);
  const int = (n) => Math.floor(rand() * n);
  const pick = (xs) => xs[int(xs.length)];
  const chance = (p) => rand() < p;
  const length = () => (chance(0.5) ? int(1601) : pick(BOUNDARY_LENGTHS));

  // Words and separators until `chars` characters (then cut to exactly that).
  function prose(chars, { polish = 0, latin = 0, ext = 0, emoji = 0, clusters = 0, newlines = 0 }) {
    const out = [];
    let n = 0;
    while (n < chars) {
      let piece;
      const r = rand();
      if (r < ext) piece = pick(EXTENSION);
      else if (r < ext + emoji) piece = pick(SURROGATES);
      else if (r < ext + emoji + clusters) piece = pick(CLUSTERS);
      else if (r < ext + emoji + clusters + newlines) piece = pick(NEWLINES);
      else if (r < ext + emoji + clusters + newlines + latin) piece = pick(GSM_LATIN);
      else piece = (chance(polish) ? pick(POLISH_WORDS) : pick(ASCII_WORDS)) + (chance(0.1) ? ',' : '') + ' ';
      out.push(...piece);
      n += [...piece].length;
    }
    return out.slice(0, chars).join('');
  }

  // Exactly `units` units (septets, or UTF-16 units when `ucs2`), a special
  // character placed around a part boundary.
  function boundary(ucs2) {
    const target = pick(ucs2 ? UCS2_BOUNDARIES : GSM_BOUNDARIES) + int(5) - 2;
    const special = ucs2
      ? pick([...SURROGATES, ...CLUSTERS, ...POLISH_LETTERS, '\r\n', ...EXTENSION])
      : pick([...EXTENSION, '\r\n']);
    const at = Math.max(0, (ucs2 ? pick([66, 67, 68, 69, 70, 133, 134, 135]) : pick([151, 152, 153, 154, 159, 160, 305, 306]))
      + int(3) - 1);
    const cost = (s) => (ucs2 ? s.length : [...s].reduce((a, c) => a + septets(c), 0));
    let text = ucs2 ? 'ą' : '';
    let units = cost(text);
    const filler = ucs2 ? [...'abcdefghij ąęłóżś', ...POLISH_LETTERS] : [...'abcdefghij .,'];
    let placed = false;
    while (units < target) {
      let piece = !placed && units >= at ? special : pick(filler);
      if (piece === special) placed = true;
      if (units + cost(piece) > target) piece = 'x';
      text += piece;
      units += cost(piece);
    }
    return text;
  }

  const texts = [];
  const profiles = [];
  for (let i = 0; i < count; i++) {
    const r = rand();
    let profile;
    let text;
    if (r < 0.18) {
      profile = 'gsm';
      text = prose(length(), { latin: 0.03 });
    } else if (r < 0.30) {
      profile = 'gsm+extension';
      text = prose(length(), { latin: 0.02, ext: 0.04 });
    } else if (r < 0.48) {
      profile = 'polish';
      text = prose(length(), { polish: 0.6 });
    } else if (r < 0.56) {
      profile = 'polish+extension';
      text = prose(length(), { polish: 0.5, ext: 0.04 });
    } else if (r < 0.68) {
      profile = 'emoji';
      text = prose(length(), { polish: 0.2, emoji: 0.04, clusters: 0.02 });
    } else if (r < 0.76) {
      profile = 'newlines';
      text = prose(length(), { polish: chance(0.5) ? 0.3 : 0, newlines: 0.04, ext: 0.01 });
    } else if (r < 0.87) {
      profile = 'boundary-gsm';
      text = boundary(false);
    } else if (r < 0.98) {
      profile = 'boundary-ucs2';
      text = boundary(true);
    } else {
      // A grapheme cluster longer than a part: many combining marks or a
      // long ZWJ sequence (excluded from the agreement target).
      profile = 'long-cluster';
      const long = chance(0.5)
        ? 'a' + '\u0301\u0323'.repeat(30 + int(40))
        : Array.from({ length: 20 + int(20) }, () => pick(['👨', '👩', '👧', '👦'])).join('\u200d');
      const before = prose(int(200), { polish: 0.3 });
      text = before + long + prose(int(200), { polish: 0.3 });
    }
    texts.push(text);
    profiles.push(profile);
  }
  return { texts, profiles };
}

// ------------------------------------------------------------ helpers

const segmenter = new Intl.Segmenter('und', { granularity: 'grapheme' });
const clustersOf = (text) => Array.from(segmenter.segment(text), (s) => s.segment);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const show = (text) => {
  const json = JSON.stringify(text);
  return json.length <= 160 ? json : `${JSON.stringify(text.slice(0, 60))} … ${JSON.stringify(text.slice(-60))}`;
};

// Greedy packing of `clusters` (each whole if it fits, else into the next
// part) with `cost` per cluster: the part count either side would give
// with a given cluster list. Used only to explain disagreements.
function pack(clusters, cost, single, concatenated) {
  const total = clusters.reduce((a, c) => a + cost(c), 0);
  if (total === 0) return 0;
  if (total <= single) return 1;
  let parts = 1;
  let used = 0;
  for (const c of clusters) {
    const u = cost(c);
    if (used + u > concatenated && used > 0) {
      parts += 1;
      used = 0;
    }
    used += u;
  }
  return parts;
}

// ---------------------------------------------------------------- run

const SegmentedMessage = loadCalculator();
const smscount = findSmscount();
const { texts, profiles } = makeCorpus(COUNT, SEED);
const corpusChars = texts.reduce((a, t) => a + [...t].length, 0);
console.log(`corpus: ${texts.length} texts, seed ${SEED}, ${corpusChars} characters, ` +
  `lengths ${Math.min(...texts.map((t) => [...t].length))}..${Math.max(...texts.map((t) => [...t].length))}`);
console.log(`calculator: sms-segments-calculator@${calculatorVersion} (new SegmentedMessage(text), encoding 'auto'), ` +
  `node ${process.version}, Intl.Segmenter Unicode ${process.versions.unicode}`);
console.log(`smscount: ${smscount}`);

// Twilio: one pass over the corpus in this process.
const twilio = new Array(texts.length);
let t0 = performance.now();
for (let i = 0; i < texts.length; i++) {
  const m = new SegmentedMessage(texts[i]);
  twilio[i] = { encoding: m.encodingName === 'GSM-7' ? 'gsm7' : 'ucs2', segments: m.segmentsCount, graphemes: m.graphemes };
}
const twilioMs = performance.now() - t0;

// The calculator on one 1,530-character Polish message (the text of the
// sms benches), median of 21 runs after the corpus warmed it up.
const POLISH = 'Szanowni Państwo, przypominamy o wizycie w przychodni "Zdrowie" w poniedziałek 14 grudnia o godz. ' +
  '9:30 (gabinet nr 12, II piętro). Prosimy zabrać dowód osobisty, skierowanie oraz wyniki badań. W razie ' +
  'rezygnacji prosimy o kontakt pod numerem 22 123 45 67 lub odpowiedź NIE. Życzymy zdrowia i miłego dnia! ';
const polish1530 = Array.from({ length: 1530 }, (_, i) => [...POLISH][i % [...POLISH].length]).join('');
const oneMessage = [];
for (let i = 0; i < 21; i++) {
  t0 = performance.now();
  new SegmentedMessage(polish1530);
  oneMessage.push(performance.now() - t0);
}

// smscount: the whole corpus as JSON lines through stdin, wall time of the
// process (start included), median of RUNS.
const input = Buffer.from(texts.map((text) => JSON.stringify({ text })).join('\n') + '\n');
const runSmscount = (stdin) => {
  const start = process.hrtime.bigint();
  const r = spawnSync(smscount, [], { input: stdin, maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`smscount failed: ${r.stderr}`);
  return { ms, stdout: r.stdout };
};
const smsRuns = [];
let output;
for (let i = 0; i < RUNS; i++) {
  const r = runSmscount(input);
  smsRuns.push(r.ms);
  output = r.stdout;
}
const emptyRuns = Array.from({ length: RUNS }, () => runSmscount(Buffer.from('{"text":""}\n')).ms);
const ours = output.toString('utf8').split('\n').slice(0, -1).map((line) => JSON.parse(line));
if (ours.length !== texts.length) throw new Error(`smscount answered ${ours.length} lines for ${texts.length}`);

// ------------------------------------------------------------ compare

const classes = new Map();
const disagreements = [];
let compared = 0;
let agreed = 0;
let excluded = 0;
let excludedAgreed = 0;
const byProfile = {};
for (let i = 0; i < texts.length; i++) {
  const text = texts[i];
  const o = ours[i];
  const tw = twilio[i];
  if (o.error) throw new Error(`smscount error on text ${i}: ${o.error}`);
  const same = o.encoding === tw.encoding && o.segments === tw.segments;
  const clusters = clustersOf(text);
  const longest = Math.max(0, ...clusters.map((c) => c.length));
  // A cluster longer than a concatenated UCS-2 part (67 units) in a text
  // that needs more than one part cannot be kept whole.
  if (o.encoding === 'ucs2' && longest > 67 && o.units > 70) {
    excluded += 1;
    if (same) excludedAgreed += 1;
    continue;
  }
  compared += 1;
  const p = (byProfile[profiles[i]] ??= { texts: 0, agreed: 0 });
  p.texts += 1;
  if (same) {
    agreed += 1;
    p.agreed += 1;
    continue;
  }
  // Explain the difference.
  let cls;
  const enc = o.encoding;
  const cost = enc === 'gsm7'
    ? (c) => [...c].reduce((a, ch) => a + septets(ch), 0)
    : (c) => c.length;
  const [single, concatenated] = enc === 'gsm7' ? [160, 153] : [70, 67];
  const twClusters = tw.graphemes; // grapheme-splitter, CR LF split in two
  // The sms crate's units: UAX #29 clusters, CR LF split in two as well.
  const oursClusters = clusters.flatMap((c) => (c === '\r\n' ? ['\r', '\n'] : [c]));
  if (text === '') cls = 'empty text';
  else if (o.encoding !== tw.encoding) cls = `encoding: ours ${o.encoding}, Twilio ${tw.encoding}`;
  else if (pack(twClusters, cost, single, concatenated) === tw.segments
      && pack(oursClusters, cost, single, concatenated) === o.segments
      && JSON.stringify(twClusters) !== JSON.stringify(oursClusters)) {
    cls = `parts (${enc}): grapheme cluster boundaries differ (grapheme-splitter vs current UAX #29)`;
  } else cls = `parts (${enc}): unexplained`;
  const d = { index: i, profile: profiles[i], class: cls, text, ours: { encoding: o.encoding, segments: o.segments, units: o.units },
    twilio: { encoding: tw.encoding, segments: tw.segments } };
  disagreements.push(d);
  const c = classes.get(cls) ?? { count: 0, example: d };
  c.count += 1;
  if ([...text].length < [...c.example.text].length) c.example = d;
  classes.set(cls, c);
}

// ------------------------------------------------------------- report

const smsMs = median(smsRuns);
const report = {
  date: new Date().toISOString(),
  corpus: { texts: texts.length, seed: SEED, characters: corpusChars },
  compared,
  agreed,
  agreement: compared ? agreed / compared : 1,
  excluded_long_cluster: { texts: excluded, agreed: excludedAgreed },
  by_profile: byProfile,
  classes: Object.fromEntries([...classes].map(([k, v]) => [k, { count: v.count, example: v.example }])),
  timing_ms: {
    twilio_corpus: twilioMs,
    twilio_one_polish_1530_median: median(oneMessage),
    smscount_corpus_median: smsMs,
    smscount_corpus_runs: smsRuns,
    smscount_one_empty_text_median: median(emptyRuns),
  },
  speed_ratio: twilioMs / smsMs,
};
writeFileSync(join(scratch, 'report.json'), JSON.stringify(report, null, 2));
writeFileSync(join(scratch, 'disagreements.jsonl'), disagreements.map((d) => JSON.stringify(d)).join('\n') + '\n');

const pct = (x) => `${(100 * x).toFixed(3)} %`;
console.log(`\nagreement (encoding and part count): ${agreed} / ${compared} = ${pct(report.agreement)}`);
console.log(`excluded, a grapheme cluster longer than a part: ${excluded} texts (${excludedAgreed} of them agree anyway)`);
console.log('by profile:', Object.entries(byProfile).map(([k, v]) => `${k} ${v.agreed}/${v.texts}`).join(', '));
for (const [cls, { count, example }] of classes) {
  console.log(`\n  ${cls}: ${count} texts; e.g. #${example.index} (${example.profile}, ${[...example.text].length} chars): ` +
    `ours ${example.ours.encoding}/${example.ours.segments} parts (${example.ours.units} units), ` +
    `Twilio ${example.twilio.encoding}/${example.twilio.segments}\n    ${show(example.text)}`);
}
console.log(`\nTwilio calculator, whole corpus, one process: ${twilioMs.toFixed(0)} ms`);
console.log(`Twilio calculator, one 1,530-char Polish message: ${median(oneMessage).toFixed(2)} ms (median of 21)`);
console.log(`smscount, whole corpus incl. process start: ${smsMs.toFixed(1)} ms (median of ${RUNS}: ${smsRuns.map((x) => x.toFixed(1)).join(', ')})`);
console.log(`smscount, one empty text (process start): ${median(emptyRuns).toFixed(1)} ms`);
console.log(`speed ratio: smscount ${report.speed_ratio.toFixed(0)}x faster`);
console.log(`\nreports: ${join(scratch, 'report.json')}, ${join(scratch, 'disagreements.jsonl')}`);
