// Runs Lighthouse for tests/test_lighthouse.py: one job a line on stdin, one answer a line on
// stdout. A job is {"url", "preset": "mobile"|"desktop", "out", "chromePath", "chromeFlags",
// "categories"}; the report (Lighthouse's JSON "LHR") is written to `out`, the answer is
// {"ok": true} or {"error": "..."}. One node process for all the runs of a test module saves
// loading Lighthouse each time; each run gets a Chromium of its own (a fresh profile, as the
// Lighthouse CLI does), so every page is measured in the same conditions.
import {writeFileSync} from 'node:fs';
import readline from 'node:readline';

import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';

async function run(job) {
  const chrome = await chromeLauncher.launch({chromePath: job.chromePath,
    chromeFlags: job.chromeFlags, logLevel: 'silent'});
  try {
    const flags = {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: job.categories,
      // simulated throttling (Lighthouse's default, said here so that it stays the choice):
      // see the test module's docstring
      throttlingMethod: 'simulate',
      // a picture of the whole page costs a second a run and no category reads it
      disableFullPageScreenshot: true,
    };
    // mobile: Lighthouse's default settings; desktop: its desktop preset
    const result = await lighthouse(job.url, flags,
        job.preset === 'desktop' ? desktopConfig : undefined);
    if (!result) throw new Error('Lighthouse returned no result');
    writeFileSync(job.out, result.report);
  } finally {
    await chrome.kill();
  }
}

const lines = readline.createInterface({input: process.stdin});
for await (const line of lines) {
  if (!line.trim()) continue;
  let answer;
  try {
    await run(JSON.parse(line));
    answer = {ok: true};
  } catch (err) {
    answer = {error: String(err && err.stack || err)};
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
}
