import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { containerStart, podWorkingSet, restartCount } from '../../src/simulator/stats.js';
import { cli, kubectl, pluginEnv } from '../helpers/run-cli.js';
import { podsAt, recordSim, scrapedAt } from '../helpers/recorded.js';
import { testSim, type TestSim } from '../helpers/sim.js';

const CHROMIUM = '/usr/bin/chromium';
let sim: TestSim;
let dir: string;
let stamps: number[];
let out: string;
let html: string;
let data: any;
const env = pluginEnv();

test.before(async () => {
  // node-03 answers 500 every tick: the report must show its gaps
  sim = await testSim({ nodes: 3, podsPerNode: 8, faults: { 'node-03': 'error500' } });
  const rec = await recordSim(sim, 40);
  dir = rec.archive.dir;
  stamps = rec.stamps;
  out = path.join(mkdtempSync(path.join(tmpdir(), 'kh-report-')), 'incident.html');
  const r = await kubectl(['heapster', 'report', '--recording', 'sim', '--archive', dir, '--output', out], env);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^wrote .*incident\.html: 16 charts, 10 top pods, \d+ pod events, \d+ gaps, \d+ KiB\n$/);
  html = readFileSync(out, 'utf8');
  data = JSON.parse(/<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)![1]!);
});
test.after(async () => sim.close());

test('report: one self-contained file, private to the user, never replaced without --force', async () => {
  assert.is(statSync(out).mode & 0o777, 0o600);
  // nothing is fetched: no external script, style, font, image or link target other than its own anchors
  assert.not.match(html, /<script[^>]+src=|<link[^>]+href=|@import|url\(|src="http|href="http/);
  assert.match(html, /<svg class="plot"/);
  const again = await cli(['report', '--recording', 'sim', '--archive', dir, '--output', out], env);
  assert.is(again.code, 2);
  assert.is(again.stderr, `error: --output ${out} exists; pass --force to replace it, or pick another name\n`);
  assert.is(readFileSync(out, 'utf8'), html);
  const forced = await cli(['report', '--recording', 'sim', '--archive', dir, '--output', out, '--force'], env);
  assert.is(forced.code, 0, forced.stderr);
});

test('every chart on the page equals what its CLI line answers with query', async () => {
  assert.is(data.charts.length, 16);
  for (const c of data.charts) {
    assert.match(c.command, /^kubectl heapster query \S+ \S+ --start \S+ --end \S+ --recording sim --archive /);
    const args = c.command.replace(/^kubectl heapster /, '').split(' ');
    const r = await cli([...args, '-o', 'json'], env);
    assert.is(r.code, 0, `${c.command}: ${r.stderr}`);
    const doc = JSON.parse(r.stdout);
    const answered = doc.items
      ? doc.items.map((i: any) => ({ name: i.name, points: i.metrics.map((m: any) => [m.timestamp, m.floatValue ?? m.value]) }))
      : [{ name: c.series[0]?.name, points: doc.metrics.map((m: any) => [m.timestamp, m.floatValue ?? m.value]) }];
    const onPage = c.series.map((s: any) => ({ name: s.name, points: s.points }));
    assert.equal(onPage, answered, c.title);
  }
});

test('the top pods and OOM kills are the seed\'s: peak working set worked out from the simulator, kills from its restart schedule', async () => {
  const peak = new Map<string, number>();
  for (const ts of stamps) {
    for (const { p, tt } of podsAt(sim, scrapedAt(ts)).filter(({ p }) => p.node !== 'node-03')) peak.set(`${p.namespace}/${p.name}`, Math.max(peak.get(`${p.namespace}/${p.name}`) ?? 0, podWorkingSet(p, tt)));
  }
  const [first] = [...peak].sort((a, b) => b[1] - a[1]);
  const mib = Math.round(first![1] / 2 ** 20);
  const [ns, pod] = first![0].split('/');
  assert.match(html, new RegExp(`<h2 id="pods">Top pods by peak memory \\(working set\\)</h2>\\s*<table><thead>.*?</thead><tbody><tr><td>${ns}</td><td>${pod}</td><td>node-0\\d</td><td class="n">${mib}Mi</td>`));
  // a container with a memory limit restarting inside the window was OOM-killed there
  const start = stamps[0]!, end = stamps.at(-1)!;
  const expected = new Set<string>();
  for (const { p, tt } of podsAt(sim, scrapedAt(end)).filter(({ p }) => p.node !== 'node-03')) {
    for (const c of p.containers) {
      if (!c.restartEveryMs || c.limits.memory === undefined || restartCount(p, c, tt) === 0) continue;
      const at = containerStart(p, c, tt);
      if (at >= start && at <= end) expected.add(`${p.namespace}/${p.name}/${c.name}`);
    }
  }
  const events = [...html.matchAll(/<tr><td>([^<]+)<\/td><td>([^<]+)<\/td><td>[^<]*<\/td><td class="n">[^<]*<\/td><td class="hot">([^<]+)<\/td>/g)];
  const seen = new Set(events.flatMap((m) => m[3]!.split(', ').map((k) => `${m[1]}/${m[2]}/${k.split(' at ')[0]}`)));
  assert.ok(expected.size > 0, 'the seed OOM-kills something in 40 minutes');
  assert.equal(seen, expected);
  // node-03 never answered: its gaps are listed with the reason
  assert.match(html, /<h2 id="gaps">Gaps: scrapes that did not answer<\/h2>\s*<table>.*<td>node-03<\/td><td>[a-z-]+<\/td>/s);
});

test('in headless Chromium with the network off: the page renders, raises no console error, hovers in UTC and the viewer\'s zone; a screenshot is kept', async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium package (.ci/run does)`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const context = await browser.newContext({ offline: true, timezoneId: 'Asia/Tokyo', locale: 'en-US', viewport: { width: 1000, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [], requests: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => !r.url().startsWith('file:') && requests.push(r.url()));
    await page.goto(`file://${out}`, { waitUntil: 'load' });
    const text = await page.innerText('body');
    for (const h of ['Cluster: CPU and memory', 'Namespaces: CPU and memory', 'Top pods by peak memory', 'Top pods by peak CPU',
      'Pods that restarted, were OOM-killed or died in the window', 'Nodes: utilization of allocatable', 'Gaps: scrapes that did not answer']) {
      assert.ok(text.includes(h), h);
    }
    assert.is(await page.locator('svg.plot').count(), 16);
    assert.ok((await page.locator('svg.plot polyline').count()) >= 16, 'lines, not dots');
    // the pointer at the middle of the first chart: UTC, and Tokyo's time nine hours on
    const box = (await page.locator('svg.plot').first().boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tip = await page.innerText('#tip');
    const utc = /(\d{4}-\d\d-\d\dT(\d\d):(\d\d):00Z)/.exec(tip);
    assert.ok(utc, tip);
    const tokyo = new Date(Date.parse(utc![1]!)).toLocaleString('en-US', { timeZone: 'Asia/Tokyo' });
    assert.ok(tip.includes(`${tokyo} (your time)`), tip);
    assert.match(tip, /cluster: \d+m/);
    const artefacts = process.env.TEST_ARTIFACTS ?? path.join(tmpdir(), 'kubectl-heapster-test-artifacts');
    mkdirSync(artefacts, { recursive: true });
    const shot = path.join(artefacts, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(statSync(shot).size > 50_000, 'a real screenshot');
    process.stdout.write(`\n  (report screenshot: ${shot})\n`);
    assert.equal(errors, []);
    assert.equal(requests, []);
  } finally {
    await browser.close();
  }
});

test('a window with nothing recorded, or no --output, is one line and exit 2', async () => {
  const none = await cli(['report', '--archive', dir, '--start', '2001-01-01T00:00:00Z', '--end', '2001-01-01T01:00:00Z', '--output', `${out}.2`], env);
  assert.is(none.code, 2);
  assert.match(none.stderr, /^error: nothing recorded in that window; /);
  assert.not.ok(existsSync(`${out}.2`));
  const missing = await cli(['report', '--archive', dir], env);
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /^error: .*--output/);
});

test.run();
