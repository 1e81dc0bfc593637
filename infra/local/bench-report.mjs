#!/usr/bin/env node
// Collects target/bench/*.json (written by the benchmarks) into target/bench/report.{json,md}, with the machine
// they ran on. Figures are copied as measured; nothing here computes or rounds a claim.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execSync } from 'node:child_process';

const dir = path.resolve('target/bench');
const sections = {};
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('report')).sort()) {
  sections[f.replace(/\.json$/, '')] = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
}
const java = (() => { try { return execSync('java -version 2>&1').toString().split('\n')[0]; } catch { return 'unknown'; } })();
const machine = {
  date: new Date().toISOString(),
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  os: `${os.type()} ${os.release()}`,
  java,
  node: process.version,
};
fs.writeFileSync(path.join(dir, 'report.json'), JSON.stringify({ machine, sections }, null, 2));
const lines = ['# kitbridge benchmark report', '',
  `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.os}; ${machine.java}; Node ${machine.node}; ${machine.date}`, ''];
for (const [name, figures] of Object.entries(sections)) {
  lines.push(`## ${name}`, '', '| figure | value |', '|---|---|');
  const flat = (obj, prefix = '') => Object.entries(obj).flatMap(([k, v]) =>
    v && typeof v === 'object' && !Array.isArray(v) ? flat(v, `${prefix}${k}.`) : [[`${prefix}${k}`, v]]);
  for (const [k, v] of flat(figures)) lines.push(`| ${k} | ${Array.isArray(v) ? v.join(', ') : v} |`);
  lines.push('');
}
fs.writeFileSync(path.join(dir, 'report.md'), lines.join('\n'));
console.log(lines.join('\n'));
