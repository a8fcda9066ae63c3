/**
 * Preloaded by the bench into each measured child (`node -r ./bench/usage.js ...`): when the process exits, writes its
 * own CPU time, peak resident memory and V8 heap statistics as JSON to the file named by CMK_BENCH_USAGE. Plain
 * JavaScript, so it measures the child without adding a compile step to it.
 */
"use strict";
const fs = require("fs");
const v8 = require("v8");

const file = process.env.CMK_BENCH_USAGE;
if (file) {
  process.on("exit", (code) => {
    const u = process.resourceUsage();
    const marks = globalThis.__cmkBenchMarks ?? {};
    fs.writeFileSync(
      file,
      JSON.stringify({
        code,
        cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000,
        maxRssBytes: u.maxRSS * 1024,
        heapUsedBytes: v8.getHeapStatistics().used_heap_size,
        uptimeMs: process.uptime() * 1000,
        marks,
      }),
    );
  });
}
